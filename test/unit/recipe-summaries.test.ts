/** `devenv search` lists built-in recipes from recipes/summaries.ts: it must say what the recipes say. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { allRecipes } from "../../recipes/index.js";
import { RECIPE_SUMMARIES } from "../../recipes/summaries.js";

test("the search summaries are every built-in recipe's name, description and homepage", async () => {
  const fromRecipes = Object.fromEntries((await allRecipes()).map((r) => [r.name, { description: r.description, homepage: r.homepage }]));
  assert.deepEqual(RECIPE_SUMMARIES, fromRecipes);
});

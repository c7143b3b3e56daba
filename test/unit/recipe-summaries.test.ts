/** `devenv search` lists built-in recipes from recipes/summaries.ts: it must say what the recipes say. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { allRecipes } from "../../recipes/index.js";
import { RECIPE_SUMMARIES } from "../../recipes/summaries.js";
import { NPM_FROM } from "../../src/recipes/sources/npm-binaries.js";

test("the search summaries are every built-in recipe's name, description, homepage and other sources", async () => {
  const fromRecipes = Object.fromEntries((await allRecipes()).map((r) => [r.name, { description: r.description, homepage: r.homepage, ...(r.options?.includes("from") ? { from: NPM_FROM } : {}) }]));
  assert.deepEqual(RECIPE_SUMMARIES, fromRecipes);
});

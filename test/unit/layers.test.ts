/**
 * The house's floors: every folder of src/ (and the top-level recipes/) may import only folders on
 * a lower floor, so no folder imports upward and no two folders import each other. Adding a folder
 * means giving it a floor here (docs/decisions.md, "Floors"). Read from the source text, so it runs
 * in CI with the rest of the suite.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const repo = fileURLToPath(new URL("../../..", import.meta.url));

/** Lowest first. A folder's files may import their own folder and any folder listed before it. */
export const FLOORS = [
  "src", // errors.ts, text.ts, reporter.ts: words every layer shares
  "src/env",
  "src/platform",
  "src/cache", // where a team's artifact cache is and how it asks for credentials (issue 18)
  "src/shell",
  "src/recipes", // the recipe kit: types, sources, checksums
  "src/lock",
  "src/state",
  "src/store",
  "recipes", // one recipe per tool, and the table of them
  "src/config",
  "src/services", // the supervisor, postgres, ports: knows config types, never the app
  "src/resolver",
  "src/app", // context.ts: what every use case is given
  "src/app/catalog", // the aqua registry pinned and compiled, names, search, catalogue recipes
  "src/app/cache", // a team's artifact cache: which one, opening it, pulling from it (issue 18)
  "src/app/gc",
  "src/app/project",
  "src/app/activation",
  "src/app/temporary", // devenv x, devenv shell -p: tools on top of the project chain, in no project
  "src/app/store",
  "src/app/watch",
  "src/app/completion", // what shell completion offers for tool names and binaries (issue 19)
  "src/app/services",
  "src/cli",
];

function floorOf(file: string): string | undefined {
  const dir = dirname(file);
  return FLOORS.filter((f) => dir === f || dir.startsWith(`${f}/`)).sort((a, b) => b.length - a.length)[0];
}

function sources(dir: string): string[] {
  return readdirSync(join(repo, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts") && !e.name.endsWith(".d.ts"))
    .map((e) => relative(repo, join(e.parentPath, e.name)));
}

/** The imports of `files` (paths from the repo root, with their text) that reach a higher floor. */
export function upwardImports(files: ReadonlyArray<{ file: string; text: string }>): string[] {
  const found: string[] = [];
  for (const { file, text } of files) {
    const from = floorOf(file);
    assert.ok(from, `${file} is in no floor of FLOORS (test/unit/layers.test.ts): give its folder one`);
    for (const m of text.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g)) {
      const target = normalize(join(dirname(file), m[1]!));
      const to = floorOf(target);
      if (!to) {
        found.push(`${file} imports ${m[1]}, outside every floor`);
        continue;
      }
      if (FLOORS.indexOf(to) > FLOORS.indexOf(from)) found.push(`${file} (${from}) imports ${m[1]} (${to}, a higher floor)`);
    }
  }
  return found;
}

test("no folder imports a folder on a higher floor (so no folder cycles)", () => {
  const files = [...sources("src"), ...sources("recipes")].map((file) => ({ file, text: readFileSync(join(repo, file), "utf8") }));
  assert.ok(files.length > 100, "the sources were found");
  assert.deepEqual(upwardImports(files), []);
});

test("the floor check names an upward import, a dynamic one too, and passes a downward one", () => {
  assert.deepEqual(
    upwardImports([
      { file: "src/store/layout.ts", text: 'import type { AppContext } from "../app/context.js";\nimport { shown } from "../text.js";\n' },
      { file: "src/recipes/index2.ts", text: 'const r = () => import("../../recipes/clang.js");\n' },
      { file: "src/app/gc/run.ts", text: 'import { listEntries } from "../../store/entries.js";\nimport { x } from "../project/load.js";\n' },
    ]),
    [
      "src/store/layout.ts (src/store) imports ../app/context.js (src/app, a higher floor)",
      "src/recipes/index2.ts (src/recipes) imports ../../recipes/clang.js (recipes, a higher floor)",
      "src/app/gc/run.ts (src/app/gc) imports ../project/load.js (src/app/project, a higher floor)",
    ],
  );
  assert.equal(floorOf("src/app/context.ts"), "src/app");
  assert.equal(floorOf("src/recipes/sources/npm.ts"), "src/recipes");
});

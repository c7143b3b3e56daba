/**
 * runCommonJs (src/platform/code-cache.ts): a CommonJS file run with a V8 code cache, as the hook's
 * hook-env entry is. Each test runs in a child Node process: a cache holds the bytecode of the
 * functions this process compiled, and the point is what the next process does with it.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";
import { repoRoot } from "../helpers/cli.js";

const codeCache = pathToFileURL(join(repoRoot, "dist", "src", "platform", "code-cache.js")).href;

/** Run `file` with `cache` in a new process: what its exported f() returns, and how the cache was used. */
function runChild(file: string, cache: string): { value: string; cache: string } {
  const script = `const { runCommonJs } = await import(${JSON.stringify(codeCache)});
const run = runCommonJs(${JSON.stringify(file)}, ${JSON.stringify(cache)});
const value = run.exports.f();
run.save();
process.stdout.write(JSON.stringify({ value, cache: run.cache }));`;
  return JSON.parse(execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" })) as { value: string; cache: string };
}

test("a code cache is written after the first run, used by the next, and replaced when V8 refuses it; the module runs the same each time", () => {
  const dir = mkdtempSync(join(tmpdir(), "devenv-code-cache-"));
  const file = join(dir, "mod.cjs");
  const cache = join(dir, "cache", "mod.bin");
  writeFileSync(file, `const { join } = require("node:path");\nexports.f = () => join("a", "b") + ":" + __filename;\n`);
  const value = `a/b:${file}`;
  assert.deepEqual(runChild(file, cache), { value, cache: "miss" });
  assert.ok(existsSync(cache), "saved after the run");
  assert.deepEqual(runChild(file, cache), { value, cache: "hit" });
  writeFileSync(cache, "garbage");
  assert.deepEqual(runChild(file, cache), { value, cache: "rejected" });
  assert.notEqual(readFileSync(cache, "utf8"), "garbage");
  assert.deepEqual(runChild(file, cache), { value, cache: "hit" });
});

test("V8 takes a cache made for other source of the same length and runs the old code: why the cache's name must carry a hash of the content", () => {
  const dir = mkdtempSync(join(tmpdir(), "devenv-code-cache-"));
  const file = join(dir, "mod.cjs");
  const cache = join(dir, "mod.bin");
  writeFileSync(file, `exports.f = () => "old";\n`);
  assert.equal(runChild(file, cache).value, "old");
  writeFileSync(file, `exports.f = () => "new";\n`);
  assert.deepEqual(runChild(file, cache), { value: "old", cache: "hit" });
});

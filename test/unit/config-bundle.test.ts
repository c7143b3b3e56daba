/** Loading devenv.ts with its local imports: what was read is what runs; the cache never serves stale code. */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { bundleConfig } from "../../src/config/bundle.js";
import { runConfig } from "../../src/config/load.js";
import { trustHash } from "../../src/state/trust.js";

function project(files: Record<string, string>): { root: string; file: string; cache: string } {
  const base = mkdtempSync(join(tmpdir(), "devenv-bundle-"));
  const root = join(base, "p");
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(root, name, ".."), { recursive: true });
    writeFileSync(join(root, name), text);
  }
  return { root, file: join(root, "devenv.ts"), cache: join(base, "cache") };
}

const envOf = async (b: Awaited<ReturnType<typeof bundleConfig>>) => ((await runConfig(b)) as { env: Record<string, string> }).env;

test("devenv.ts with .ts, .mts, .cjs and .json imports: one module, every input listed with its sha256", async () => {
  const p = project({
    "devenv.ts": `import { a } from "./a";\nimport { b } from "./lib/b.mjs";\nimport c from "./c.cjs";\nimport data from "./data.json";\nexport default { env: { A: a, B: b, C: c.c, D: data.d } };\n`,
    "a.ts": `export const a: string = "A";\n`,
    "lib/b.mts": `export const b = "B" as const;\n`,
    "c.cjs": `module.exports = { c: "C" };\n`,
    "data.json": `{ "d": "D" }\n`,
  });
  const b = await bundleConfig(p.root, p.file);
  assert.equal(b.error, undefined);
  assert.deepEqual(b.inputs.map((i) => i.rel), ["devenv.ts", "a.ts", "c.cjs", "data.json", "lib/b.mts"]);
  for (const i of b.inputs) assert.equal(i.path, join(p.root, i.rel));
  assert.deepEqual(await envOf(b), { A: "A", B: "B", C: "C", D: "D" });
});

test("the bundle runs the bytes that were read, not what the files hold when it runs", async () => {
  const p = project({ "devenv.ts": `import { v } from "./h.js";\nexport default { env: { V: v } };\n`, "h.js": `export const v = "checked";\n` });
  const b = await bundleConfig(p.root, p.file);
  writeFileSync(join(p.root, "h.js"), `export const v = "swapped";\n`);
  assert.deepEqual(await envOf(b), { V: "checked" });
});

test("a cached compile is used only while every input has the same bytes and every import resolves to the same file", async () => {
  const p = project({ "devenv.ts": `import { v } from "./h";\nexport default { env: { V: v } };\n`, "h.js": `export const v = "one";\n` });
  const first = await bundleConfig(p.root, p.file, { cacheDir: p.cache });
  assert.equal(readdirSync(join(p.cache, "config-js")).length, 1);
  const again = await bundleConfig(p.root, p.file, { cacheDir: p.cache });
  assert.deepEqual(again.inputs, first.inputs);
  assert.equal(again.code, first.code);

  writeFileSync(join(p.root, "h.js"), `export const v = "two";\n`);
  const edited = await bundleConfig(p.root, p.file, { cacheDir: p.cache });
  assert.notEqual(edited.inputs[1]!.sha256, first.inputs[1]!.sha256);
  assert.deepEqual(await envOf(edited), { V: "two" });

  // "./h" now names h.ts (tried before h.js): the cached compile of h.js must not be used.
  writeFileSync(join(p.root, "h.ts"), `export const v: string = "ts";\n`);
  const shadowed = await bundleConfig(p.root, p.file, { cacheDir: p.cache });
  assert.deepEqual(shadowed.inputs.map((i) => i.rel), ["devenv.ts", "h.ts"]);
  assert.deepEqual(await envOf(shadowed), { V: "ts" });
});

test("the trust hash of devenv.ts alone is sha256(devenv.ts); with imports it covers each path and content", async () => {
  const p = project({ "devenv.ts": `export default {};\n`, "x.ts": `export const x = 1;\n` });
  const alone = await bundleConfig(p.root, p.file);
  assert.equal(trustHash(alone.inputs), createHash("sha256").update(`export default {};\n`).digest("hex"));
  const h = (files: Array<[string, string]>) => trustHash(files.map(([rel, sha256]) => ({ rel, sha256 })));
  const two = h([["devenv.ts", "1"], ["x.ts", "2"]]);
  assert.equal(h([["x.ts", "2"], ["devenv.ts", "1"]]), two, "order does not matter");
  assert.notEqual(h([["devenv.ts", "1"], ["y.ts", "2"]]), two, "the path counts");
  assert.notEqual(h([["devenv.ts", "1"], ["x.ts", "3"]]), two, "the content counts");
});

test("a tsconfig.json next to devenv.ts does not change how it compiles (it is not an input)", async () => {
  const src = `class Base { set x(v: number) { (globalThis as any).__setterRan = v; } }\nclass C extends Base { x = 1; }\nnew C();\nexport default { env: { RAN: String((globalThis as any).__setterRan ?? "no") } };\n`;
  const p = project({ "devenv.ts": src, "tsconfig.json": `{ "compilerOptions": { "useDefineForClassFields": false } }\n` });
  const b = await bundleConfig(p.root, p.file);
  assert.deepEqual(b.inputs.map((i) => i.rel), ["devenv.ts"]);
  assert.deepEqual(await envOf(b), { RAN: "no" }, "class fields are defined (esbuild's default for node20), whatever tsconfig.json says");
});

test("build errors name file:line:col of the file they are in, and list what was read", async () => {
  const p = project({ "devenv.ts": `import { x } from "./bad.ts";\nexport default { env: { X: x } };\n`, "bad.ts": `export const x = ;\n` });
  const b = await bundleConfig(p.root, p.file);
  assert.equal(b.error?.code, "CONFIG_SYNTAX");
  assert.match(b.error!.message, new RegExp(`^${p.root}/bad\\.ts:1:18: `));
  assert.equal(b.error!.hint, "Fix the syntax error in bad.ts.");
  assert.deepEqual(b.inputs.map((i) => i.rel), ["devenv.ts", "bad.ts"]);
  await assert.rejects(runConfig(b), (e: Error) => e === b.error);

  const missing = project({ "devenv.ts": `import "./nope";\nexport default {};\n` });
  const m = await bundleConfig(missing.root, missing.file);
  assert.equal(m.error?.code, "CONFIG_IMPORT");
  assert.match(m.error!.message, /devenv\.ts:1:8: import "\.\/nope": no such file \(tried \.\/nope\.ts, /);
});

test("import() and require of a path computed at run time reach only built-ins and devenv", async () => {
  const p = project({
    "devenv.ts": `export default async () => {\n  const os = await import("node:os");\n  const { defineConfig } = await import("devenv");\n  const name = ["./h", "js"].join(".");\n  let refused = "";\n  try { await import(name); } catch (e) { refused = (e as Error).message; }\n  return defineConfig({ env: { EOL: JSON.stringify(os.EOL), REFUSED: refused } });\n};\n`,
    "h.js": `export const v = 1;\n`,
  });
  const env = await envOf(await bundleConfig(p.root, p.file));
  assert.equal(env.EOL, JSON.stringify("\n"));
  assert.match(env.REFUSED!, /^require\("\.\/h\.js"\) at run time: a config loads only Node built-ins and "devenv"/);
});

import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { findProjectRoot, layerRoots } from "../../src/config/find.js";
import { evaluateConfigSource } from "../../src/config/load.js";
import { normaliseConfig } from "../../src/config/normalise.js";
import { configJsonSchema } from "../../src/config/schema.js";
import type { DevenvError } from "../../src/errors.js";

const FILE = "/p/devenv.ts";
const load = async (src: string) => normaliseConfig(await evaluateConfigSource(src, FILE), "/p", FILE);
const code = (c: string) => (e: DevenvError) => e.code === c;

test("a devenv.ts with types and the devenv import loads without the package installed", async () => {
  const cfg = await load(`import { defineConfig } from "devenv";
const major: string = "20";
export default defineConfig({
  tools: { node: major, zig: { version: "0.13" }, tool: { version: "1.2.3", url: "https://e.x/t-{version}-{os}-{arch}.tar.gz", sha256: "${"a".repeat(64)}", bin: ["bin"], strip: 1 } },
  env: { DATA: "\${root}/data" },
});`);
  assert.deepEqual(cfg.tools.map((t) => [t.name, t.range, t.inline]), [["node", "20", false], ["zig", "0.13", false], ["tool", "1.2.3", true]]);
  assert.deepEqual(cfg.tools[2]!.options, { url: "https://e.x/t-{version}-{os}-{arch}.tar.gz", sha256: "a".repeat(64), bin: ["bin"], strip: 1 });
  assert.deepEqual(cfg.env, { DATA: "${root}/data" });
  assert.equal(cfg.autoInstall, true);
});

test("a syntax error names file:line:col", async () => {
  await assert.rejects(load(`export default {\n  tools: {\n    node: "20",,\n  }\n}`), (e: DevenvError) => {
    assert.equal(e.code, "CONFIG_SYNTAX");
    assert.match(e.message, /^\/p\/devenv\.ts:3:\d+: /);
    return true;
  });
});

test("a schema error names the field path and what was expected", async () => {
  await assert.rejects(load(`export default { tools: { node: 20 } }`), (e: DevenvError) => {
    assert.equal(e.code, "CONFIG_SCHEMA");
    assert.match(e.message, /tools\.node: expected a version range string/);
    return true;
  });
  await assert.rejects(load(`export default { tool: {} }`), (e: DevenvError) => /unknown key 'tool'/.test(e.message));
  await assert.rejects(load(`export default { env: { X: 1 } }`), (e: DevenvError) => /env\.X: expected string, got number/.test(e.message));
  await assert.rejects(load(`export default { tools: { t: { version: "1", url: "https://x/y.tgz" } } }`), (e: DevenvError) => /tools\.t\.sha256: required/.test(e.message));
  await assert.rejects(load(`export default { tools: { t: { version: "^1", url: "https://x/y.tgz", sha256: "${"b".repeat(64)}" } } }`), (e: DevenvError) => /one exact version/.test(e.message));
});

test("a name no built-in recipe has is a catalogue tool; aqua and github name one; two sources are refused", async () => {
  // Whether the catalogue knows it is decided when locking (test/cli/catalog*.test.ts), not here.
  const cfg = await load(`export default { tools: { node: "20", ripgrep: "14", rg: { version: "14", aqua: "BurntSushi/ripgrep" }, foo: { version: "1", github: "o/foo", asset: "foo-*" } } }`);
  assert.deepEqual(cfg.tools.map((t) => [t.name, t.catalog ?? false]), [["node", false], ["ripgrep", true], ["rg", true], ["foo", true]]);
  assert.deepEqual(cfg.tools[2]!.options, { aqua: "BurntSushi/ripgrep" });
  await assert.rejects(load(`export default { tools: { x: { version: "1", aqua: "a/b", github: "a/b" } } }`), (e: DevenvError) => /tools\.x: aqua and github name different sources/.test(e.message));
  await assert.rejects(load(`export default { tools: { x: { version: "1", github: "a/b", url: "https://x/y.tgz", sha256: "${"b".repeat(64)}" } } }`), (e: DevenvError) => /url and github/.test(e.message));
  await assert.rejects(load(`export default { tools: { x: { version: "1", github: "../../etc" } } }`), (e: DevenvError) => /tools\.x\.github: expected a GitHub repository as owner\/repo/.test(e.message));
  await assert.rejects(load(`export default { tools: { x: { version: "1", aqua: "a" } } }`), (e: DevenvError) => /tools\.x\.aqua: expected an aqua package name/.test(e.message));
});

test("a runtime error while evaluating points at devenv.ts", async () => {
  await assert.rejects(load(`const x: any = undefined;\nexport default { tools: x.y };`), code("CONFIG_EVAL"));
});

test("devenv.schema.json is generated from the TypeScript schema (regenerate with npm run schema)", () => {
  const file = new URL("../../../devenv.schema.json", import.meta.url);
  assert.deepEqual(JSON.parse(readFileSync(file, "utf8")), configJsonSchema());
});

test("the project root is the nearest ancestor with devenv.ts", () => {
  const dir = mkdtempSync(join(tmpdir(), "devenv-find-"));
  mkdirSync(join(dir, "a/b/c"), { recursive: true });
  writeFileSync(join(dir, "a/devenv.ts"), "export default {}");
  assert.equal(findProjectRoot(join(dir, "a/b/c")), join(dir, "a"));
  assert.equal(findProjectRoot(dir), undefined);
});

test("layerRoots: the user-wide project first when it has a devenv.ts, then the projects walked up to; inside it, once", () => {
  const dir = mkdtempSync(join(tmpdir(), "devenv-layers-"));
  const global = join(dir, "home/global");
  mkdirSync(join(global, "sub"), { recursive: true });
  mkdirSync(join(dir, "a/b"), { recursive: true });
  writeFileSync(join(dir, "a/devenv.ts"), "export default {}");
  writeFileSync(join(dir, "home/devenv.ts"), "export default {}");
  assert.deepEqual(layerRoots(global, join(dir, "a/b")), [join(dir, "a")], "no user-wide devenv.ts: the projects alone");
  assert.deepEqual(layerRoots(global, undefined), []);
  writeFileSync(join(global, "devenv.ts"), "export default {}");
  assert.deepEqual(layerRoots(global, join(dir, "a/b")), [global, join(dir, "a")]);
  assert.deepEqual(layerRoots(global, undefined), [global]);
  assert.deepEqual(layerRoots(global, join(global, "sub")), [global, join(dir, "home")], "inside it: once, and still outermost");
});

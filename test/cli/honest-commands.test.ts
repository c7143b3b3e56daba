/**
 * Commands that must say what is wrong (issue 15, item 4), tried as a new user would: `init` then
 * `add`, a devenv.ts with a missing comma, `status` with a failed install or a syntax error,
 * `env` inside a shell whose hook already applied the project.
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { projectSandboxes } from "../support/project-sandbox.js";
import { useFakeUpstream } from "../support/use-fake-upstream.js";
import { assertOk, type Sandbox } from "../helpers/cli.js";

const fake = useFakeUpstream({ node: ["20.18.0"], zig: ["0.13.0"] });
const fresh = projectSandboxes(() => fake.mirrors);
const read = (sb: Sandbox, f: string) => readFileSync(join(sb.project, f), "utf8");

/** The lines of `after` that are not in `before`, and those of `before` gone from `after` (a line diff of two small files). */
function lineDiff(before: string, after: string): { added: string[]; removed: string[] } {
  const a = before.split("\n");
  const b = after.split("\n");
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  let j = 0;
  while (j < a.length - i && j < b.length - i && a[a.length - 1 - j] === b[b.length - 1 - j]) j++;
  return { removed: a.slice(i, a.length - j), added: b.slice(i, b.length - j) };
}

test("init writes the shape add keeps: the first add changes only the line it adds", async () => {
  const sb = await fresh();
  assertOk(await sb.run(["init"]));
  const initial = read(sb, "devenv.ts");
  assertOk(await sb.run(["add", "node@20"]));
  assert.deepEqual(lineDiff(initial, read(sb, "devenv.ts")), { added: [`    node: "20",`], removed: [] });
  // And the next one too.
  const one = read(sb, "devenv.ts");
  assertOk(await sb.run(["add", "zig@0.13"]));
  assert.deepEqual(lineDiff(one, read(sb, "devenv.ts")), { added: [`    zig: "0.13",`], removed: [] });
});

/** An inline tool whose download the fake upstream answers 404: it locks (the sha256 is given) but cannot install. */
const BROKEN = `broken: { version: "1.0.0", url: "https://github.com/acme/broken/releases/download/v{version}/broken-{version}.tar.gz", sha256: "${"0".repeat(64)}" }`;

test("status names a tool the hook failed to install, and why, and exits 1", async () => {
  const sb = await fresh(`export default { tools: { node: "20", ${BROKEN} }, env: { GREETING: "hello" } };\n`);
  // The hook's refresh (what a prompt in the project runs) tries, fails and records it.
  const h = await sb.run(["hook-env", "--", sb.project]);
  assertOk(h);
  const r = await sb.run(["status"]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /^failed to install broken 1\.0\.0: .*HTTP 404 for .*broken-1\.0\.0\.tar\.gz/m);
  assert.match(r.stdout, new RegExp(`^not installed: ${sb.project}: broken 1\\.0\\.0; run 'devenv install'`, "m"));
  const j = await sb.run(["status", "--json"]);
  assert.equal(j.code, 1);
  const report = JSON.parse(j.stdout);
  assert.equal(report.ok, false);
  assert.equal(report.projects.length, 1);
  assert.match(report.projects[0].failure, /broken-1\.0\.0\.tar\.gz/);
  assert.deepEqual(report.projects[0].pending, ["broken 1.0.0"]);
  assert.deepEqual(report.projects[0].failedTools, ["broken 1.0.0"]);
});

test("status shows a syntax error in devenv.ts with its position, and exits 1", async () => {
  const sb = await fresh(`export default {\n  tools: {\n    node: "20",\n  },\n  env: { A: "1" B: "2" },\n};\n`);
  const r = await sb.run(["status"]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, new RegExp(`^config error: ${sb.project}/devenv\\.ts:5:\\d+: `, "m"));
  const report = JSON.parse((await sb.run(["status", "--json"])).stdout);
  assert.match(report.projects[0].configError, /devenv\.ts:5:\d+: /);
  // An error devenv.ts's validation finds (it compiles, then its value is checked) is one too.
  const bad = await fresh(`export default { tools: { node: ["20"] } };\n`);
  const b = await bad.run(["status"]);
  assert.equal(b.code, 1);
  assert.match(b.stdout, /^config error: .*tools\.node: expected a version range string/m);
});

test("status lists tools locked but not installed yet; that alone is no failure", async () => {
  const sb = await fresh(`export default { tools: { node: "20" } };\n`);
  assertOk(await sb.run(["lock"]));
  const r = await sb.run(["status"]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, new RegExp(`^not installed: ${sb.project}: node 20\\.18\\.0; run 'devenv install'`, "m"));
  assertOk(await sb.run(["install"]));
  const after = await sb.run(["status"]);
  assertOk(after);
  assert.doesNotMatch(after.stdout, /not installed|failed|error/);
});

test("a missing comma is reported at the end of the line that lacks it, esbuild's position after it", async () => {
  const sb = await fresh(`import { defineConfig } from "devenv";\n\nexport default defineConfig({\n  tools: {\n    node: "20"   // lts\n\n    zig: "0.13",\n  },\n});\n`);
  const file = join(sb.project, "devenv.ts");
  const r = await sb.run(["install"]);
  assert.equal(r.code, 1);
  assert.ok(r.stderr.includes(`devenv: ${file}:5:15: missing comma after line 5? (${file}:7:5: Expected "}" but found "zig")\n`), r.stderr);
  assert.match(r.stderr, /hint: Add a "," at the end of line 5 of devenv\.ts, or fix the syntax error at line 7\./);
  // status says the same.
  assert.ok((await sb.run(["status"])).stdout.includes(`config error: ${file}:5:15: missing comma after line 5?`));

  // In a file devenv.ts imports, and in a list.
  writeFileSync(join(sb.project, "shared.ts"), `export const platforms = [\n  "linux-x64",\n  "linux-arm64"\n  "darwin-arm64",\n];\n`);
  writeFileSync(file, `import { platforms } from "./shared.ts";\nexport default { tools: { node: "20" }, platforms };\n`);
  assertOk(await sb.run(["allow"])); // the files as read up to the error
  const i = await sb.run(["install"]);
  assert.equal(i.code, 1);
  const shared = join(sb.project, "shared.ts");
  assert.ok(i.stderr.includes(`${shared}:3:16: missing comma after line 3? (${shared}:4:3: Expected "]" but found "\\"darwin-arm64\\"")`), i.stderr);

  // Another syntax error keeps esbuild's own message and position.
  await sb.writeConfig(`export default {\n  tools: { node: "20" ;\n};\n`);
  const other = await sb.run(["install"]);
  assert.equal(other.code, 1);
  assert.doesNotMatch(other.stderr, /missing comma/);
  assert.match(other.stderr, new RegExp(`${file}:2:\\d+: Expected "}" but found ";"`));
});

/**
 * Host checks before downloading: an artifact built for a newer glibc than this machine has is
 * refused at install time with the requirement and the alternatives, and nothing is fetched.
 * DEVENV_HOST_GLIBC stands in for an older machine.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { before, test } from "node:test";
import { assertOk } from "../helpers/cli.js";
import { projectSandboxes } from "../support/project-sandbox.js";
import { useFakeUpstream } from "../support/use-fake-upstream.js";

const fake = useFakeUpstream({ node: ["16.20.2", "22.11.0"] });

const fresh = projectSandboxes(() => fake.mirrors);

test("node 22 on a glibc 2.17 machine: add fails before downloading, names the requirement and the way out, keeps devenv.ts as it was", async () => {
  const sb = await fresh(undefined, { env: { DEVENV_HOST_GLIBC: "2.17" } });
  fake.reset();
  const r = await sb.run(["add", "node@22"]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /node 22\.11\.0 cannot run here: it needs glibc 2\.28 or newer and this system has glibc 2\.17/);
  assert.match(r.stderr, /Node 16 and older need only glibc 2\.17/);
  assert.match(r.stderr, /Nothing was downloaded/);
  assert.equal(fake.count(/\.tar\.(gz|xz)$/), 0, "no archive was requested");
  assert.equal(existsSync(join(sb.project, "devenv.ts")), false, "the failed add left no devenv.ts behind");
  assert.deepEqual(sb.storeEntries(), []);
});

test("the lock records the requirement per Linux platform only; node 16 has none and installs on glibc 2.17", async () => {
  const sb = await fresh(undefined, { env: { DEVENV_HOST_GLIBC: "2.17" } });
  await sb.writeConfig(`export default { tools: { node: "22" } };\n`);
  assertOk(await sb.run(["lock", "--platform", "darwin-arm64"]));
  const p = JSON.parse(readFileSync(join(sb.project, "devenv.lock"), "utf8")).tools.node.platforms;
  assert.deepEqual(p["linux-x64"].requires, { glibc: "2.28" });
  assert.equal(p["darwin-arm64"].requires, undefined);
  const old = await fresh(undefined, { env: { DEVENV_HOST_GLIBC: "2.17" } });
  assertOk(await old.run(["add", "node@16"]));
  const r = await old.run(["exec", "--", "node", "--version"]);
  assertOk(r);
  assert.equal(r.stdout.trim(), "v16.20.2");
});

test("the same lock installs on this machine's real glibc (no override)", async () => {
  const sb = await fresh();
  await sb.writeConfig(`export default { tools: { node: "22" } };\n`);
  assertOk(await sb.run(["install"]));
  const r = await sb.run(["exec", "--", "node", "--version"]);
  assertOk(r);
  assert.equal(r.stdout.trim(), "v22.11.0");
});

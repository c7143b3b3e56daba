/**
 * Only a missing file is "absent" (platform/fs.ts readIfExists): a directory where devenv reads a
 * file (EISDIR, which a test can stage even as root) is reported with its path and what to do,
 * never taken for no file at all.
 */
import assert from "node:assert/strict";
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { startFakeUpstream, type FakeUpstream } from "../support/fake-upstream.js";
import { assertNoExternalRequests, installNetGuard } from "../support/net-guard.js";
import { sandbox } from "../helpers/cli.js";

installNetGuard();
let fake: FakeUpstream;
before(async () => {
  fake = await startFakeUpstream({});
});
after(async () => {
  await fake.close();
  assertNoExternalRequests();
});

test("a directory in place of the user config is an error naming it, not 'no config'", async () => {
  const sb = sandbox(fake.mirrors);
  mkdirSync(join(sb.home, "config.json"), { recursive: true });
  mkdirSync(sb.project, { recursive: true });
  const r = await sb.run(["list"]);
  assert.equal(r.code, 1, `stdout: ${r.stdout}\nstderr: ${r.stderr}`);
  assert.match(r.stderr, /cannot read the user config .*config\.json: it is a directory/);
  assert.match(r.stderr, /hint: .*move it aside/);
});

test("a directory in place of a project's trust record is reported, not read as 'not allowed'", async () => {
  const sb = sandbox(fake.mirrors);
  await sb.writeConfig("export default { env: { GREETING: \"hi\" } };\n");
  const trustDir = join(sb.home, "state", "trust");
  const [record] = readdirSync(trustDir).filter((n) => n.endsWith(".json"));
  assert.ok(record, "writeConfig wrote a trust record");
  rmSync(join(trustDir, record));
  mkdirSync(join(trustDir, record));
  const r = await sb.run(["env"]);
  assert.equal(r.code, 1, `stdout: ${r.stdout}\nstderr: ${r.stderr}`);
  assert.match(r.stderr, new RegExp(`cannot read the trust record of .*${record.replace(".", "\\.")}: it is a directory`));
  assert.doesNotMatch(r.stderr, /not allowed/);
});

test("devenv init beside a directory named devenv.ts says so", async () => {
  const sb = sandbox(fake.mirrors);
  mkdirSync(join(sb.project, "devenv.ts"), { recursive: true });
  const r = await sb.run(["init"]);
  assert.equal(r.code, 1, `stdout: ${r.stdout}\nstderr: ${r.stderr}`);
  assert.match(r.stderr, /cannot read .*devenv\.ts: it is a directory, not a file/);
  assert.match(r.stderr, /hint: /);
});

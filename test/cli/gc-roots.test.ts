/**
 * gc deletes nothing when it cannot tell what a root protects (issue 15, item 2): a truncated root
 * record, or a project it cannot look at (here a symlink loop: root can read any mode, so EACCES cannot
 * be staged in CI; ELOOP goes through the same "not ENOENT" path). Before, the record was skipped
 * (or the project taken for gone) and gc removed that project's tools. pnpm refuses to prune likewise.
 */
import assert from "node:assert/strict";
import { mkdirSync, readdirSync, renameSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, test } from "node:test";
import { assertOk as ok, sandbox } from "../helpers/cli.js";
import { useFakeUpstream } from "../support/use-fake-upstream.js";

const fake = useFakeUpstream({ zig: ["0.13.0"] });

const zigEntries = (names: string[]) => names.filter((n) => n.endsWith("-zig-0.13.0"));

test("a truncated root record stops gc before it removes anything; --forget-unreadable drops it", async () => {
  const sb = sandbox(fake.mirrors);
  await sb.writeConfig(`export default { tools: { zig: "0.13" } };\n`);
  ok(await sb.run(["install"]));
  assert.equal(zigEntries(sb.storeEntries()).length, 1);
  const roots = join(sb.home, "state", "roots");
  const [record] = readdirSync(roots);
  assert.ok(record, "install registered the project");
  writeFileSync(join(roots, record), `{"path": "${sb.project.slice(0, 5)}`); // a crash mid-write, as before records were synced

  for (const args of [["gc"], ["gc", "--dry-run"]]) {
    const r = await sb.run(args);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /gc cannot tell what a project still uses, so it removed nothing/);
    assert.match(r.stderr, new RegExp(`${record.replace(".", "\\.")}: unreadable gc root`));
    assert.match(r.stderr, /--forget-unreadable/);
  }
  assert.equal(zigEntries(sb.storeEntries()).length, 1, "zig kept");

  const f = await sb.run(["gc", "--forget-unreadable"]);
  ok(f);
  assert.match(f.stdout, /forgot gc root .*roots\/[0-9a-f]{32}\.json/);
  assert.equal(zigEntries(sb.storeEntries()).length, 0, "what only the forgotten root kept is collected");
  ok(await sb.run(["install"]));
  assert.equal(readdirSync(roots).length, 1, "the next install registers the project again");
});

test("a project gc cannot look at (not ENOENT) stops it; once readable again, its tools are kept", async () => {
  const sb = sandbox(fake.mirrors);
  await sb.writeConfig(`export default { tools: { zig: "0.13" } };\n`);
  ok(await sb.run(["install"]));
  const aside = `${sb.project}.aside`;
  renameSync(sb.project, aside);
  symlinkSync(sb.project, sb.project); // ELOOP on every lookup below it
  try {
    const r = await sb.run(["gc"], { cwd: sb.home });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /cannot be looked at \(ELOOP/);
    assert.equal(zigEntries(sb.storeEntries()).length, 1, "zig kept");
  } finally {
    unlinkSync(sb.project);
    renameSync(aside, sb.project);
  }
  const g = await sb.run(["gc"], { cwd: sb.home });
  ok(g);
  assert.equal(zigEntries(sb.storeEntries()).length, 1, "its devenv.lock keeps zig");
});

test("devenv add zig@0.13 then devenv gc keeps zig: add and update register the project as a gc root", async () => {
  const sb = sandbox(fake.mirrors);
  mkdirSync(sb.project, { recursive: true });
  ok(await sb.run(["add", "zig@0.13"]));
  assert.equal(zigEntries(sb.storeEntries()).length, 1);
  const g = await sb.run(["gc"]);
  ok(g);
  assert.doesNotMatch(g.stdout, /removed zig/);
  assert.equal(zigEntries(sb.storeEntries()).length, 1, "gc kept what add just installed");

  // update installs under the same rules: a project only ever updated is a root too.
  const other = sandbox(fake.mirrors);
  await other.writeConfig(`export default { tools: { zig: "0.13" } };\n`);
  ok(await other.run(["lock"]));
  ok(await other.run(["update", "zig"]));
  assert.equal(readdirSync(join(other.home, "state", "roots")).length, 1, "update registered the project");
  ok(await other.run(["gc"]));
  assert.equal(zigEntries(other.storeEntries()).length, 1, "gc kept what update installed");
});

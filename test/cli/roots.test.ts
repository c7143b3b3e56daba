/**
 * GC roots (issue 5, part 1): projects that install or activate register themselves in the state
 * dir with the hash of their devenv.lock; roots whose project or lock is gone are dropped; a moved
 * project registers again at its new path.
 */
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, realpathSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { lockHash, readRoot, scanRoots } from "../../src/state/roots.js";
import { assertOk, sandbox } from "../helpers/cli.js";
import { useFakeUpstream } from "../support/use-fake-upstream.js";

const fake = useFakeUpstream({ node: ["20.18.0"], zig: ["0.13.0"] });

test("install and exec register the project with its lock hash; hook-env too", async () => {
  const sb = sandbox(fake.mirrors);
  const state = join(sb.home, "state");
  await sb.writeConfig(`export default { tools: { node: "20" } };\n`);
  assertOk(await sb.run(["install"]));
  const real = realpathSync(sb.project);
  const rec = readRoot(state, real);
  assert.ok(rec, "registered by install");
  assert.equal(rec.lockHash, lockHash(readFileSync(join(sb.project, "devenv.lock"), "utf8")));
  const first = Date.parse(rec.lastUsed);
  assert.ok(Math.abs(Date.now() - first) < 60_000);

  // The hook's refresh registers a project it activates (here a second one, never installed by hand).
  const other = join(sb.project, "..", "other");
  await sb.writeConfig(`export default { tools: { zig: "0.13" } };\n`, other);
  const acts = join(state, "activations");
  assertOk(await sb.run(["hook-env", "--activations", acts, "--", other], { cwd: other }));
  assert.equal(readRoot(state, realpathSync(other))?.lockHash, lockHash(readFileSync(join(other, "devenv.lock"), "utf8")));
  assert.deepEqual(scanRoots(state).live.map((r) => r.path).sort(), [real, realpathSync(other)].sort());
});

test("a root whose devenv.lock or directory is gone is dropped (dry run keeps the record); a moved project registers at its new path", async () => {
  const sb = sandbox(fake.mirrors);
  const state = join(sb.home, "state");
  const a = join(sb.project, "..", "a");
  const b = join(sb.project, "..", "b");
  for (const d of [a, b]) {
    mkdirSync(d, { recursive: true });
    await sb.writeConfig(`export default { tools: { node: "20" } };\n`, d);
    assertOk(await sb.run(["install"], { cwd: d }));
  }
  const realA = realpathSync(a);
  const realB = realpathSync(b);
  rmSync(join(a, "devenv.lock"));
  const moved = join(sb.project, "..", "b-moved");
  renameSync(b, moved);

  const dry = scanRoots(state, { dryRun: true });
  assert.deepEqual(dry.live, []);
  assert.deepEqual(dry.dropped.map((r) => r.path).sort(), [realA, realB].sort());
  assert.ok(readRoot(state, realA), "a dry run removes nothing");

  const scan = scanRoots(state);
  assert.deepEqual(scan.dropped.map((r) => r.path).sort(), [realA, realB].sort());
  assert.equal(readRoot(state, realA), undefined);
  assert.equal(readRoot(state, realB), undefined);

  // Trust follows the real path, so the moved project is allowed again, then used: a new root.
  await sb.writeConfig(`export default { tools: { node: "20" } };\n`, moved);
  const r = await sb.run(["exec", "--", "node", "--version"], { cwd: moved });
  assertOk(r);
  assert.deepEqual(scanRoots(state).live.map((x) => x.path), [realpathSync(moved)]);
});

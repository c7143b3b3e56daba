/**
 * The hook with automatic installs off and `devenv watch` running (issue 6): a prompt that finds
 * tools missing waits for the watcher instead of giving up, but never hangs on it. Driven through
 * the real `devenv hook-env` the hooks call; the "watcher" here is a real process whose command
 * line says watch, with the pid file and status.json in the format the real watcher writes.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { WatchStatus } from "../../src/state/watch-status.js";
import { decodeActivation, type Activation } from "../../src/shell/activation.js";
import { activationsRoot, currentActivationFile } from "../../src/state/activations.js";
import { readRoot } from "../../src/state/roots.js";
import { startFakeUpstream, type FakeUpstream } from "../support/fake-upstream.js";
import { assertNoExternalRequests, installNetGuard } from "../support/net-guard.js";
import { assertOk, sandbox, type Sandbox } from "../helpers/cli.js";

installNetGuard();
let fake: FakeUpstream;
const children: ChildProcess[] = [];

before(async () => {
  fake = await startFakeUpstream({ zig: ["0.13.0"] });
});
after(async () => {
  for (const c of children) c.kill("SIGKILL");
  await fake.close();
  assertNoExternalRequests();
});

/** A live process whose command line names `watch`, as the real watcher's does. */
function fakeWatcher(): number {
  const c = spawn(process.execPath, ["-e", "setInterval(() => {}, 1e9)", "watch"], { stdio: "ignore" });
  children.push(c);
  return c.pid!;
}

async function project(): Promise<{ sb: Sandbox; root: string; state: string }> {
  const sb = sandbox(fake.mirrors, { DEVENV_AUTO_INSTALL: "0" });
  await sb.writeConfig(`export default { tools: { zig: "0.13" } };\n`);
  assertOk(await sb.run(["lock"]));
  return { sb, root: realpathSync(sb.project), state: join(sb.home, "state") };
}

function writeWatcherFiles(state: string, pid: number, projects: WatchStatus["projects"] = {}): void {
  mkdirSync(join(state, "watch"), { recursive: true });
  writeFileSync(join(state, "watch", "watch.pid"), `${pid}\n`);
  const now = new Date().toISOString();
  writeFileSync(join(state, "watch", "status.json"), JSON.stringify({ pid, startedAt: now, updatedAt: now, projects } satisfies WatchStatus));
}

/** What the hook runs for a project whose cache is missing; returns the activation it wrote and how long it took. */
async function hookEnv(sb: Sandbox, root: string): Promise<{ act: Activation; ms: number; stderr: string }> {
  const t = Date.now();
  const r = await sb.run(["hook-env", "--", root]);
  assertOk(r);
  const file = currentActivationFile(activationsRoot(join(sb.home, "state")), root);
  assert.ok(file, "an activation was written");
  return { act: decodeActivation(readFileSync(file, "utf8"))!, ms: Date.now() - t, stderr: r.stderr };
}

test("no watcher (or a pid file naming a process that is not one): the hint at once, nothing waited for", async () => {
  const { sb, root, state } = await project();
  const other = spawn("sleep", ["60"], { stdio: "ignore" });
  children.push(other);
  writeWatcherFiles(state, other.pid!);
  const { act, ms, stderr } = await hookEnv(sb, root);
  assert.equal(act.status, "missing");
  assert.equal(act.message, `devenv: ${sb.project}: not installed: zig 0.13.0; run 'devenv install'`);
  assert.doesNotMatch(stderr, /devenv watch is installing/);
  assert.ok(ms < 4000, `took ${ms} ms`);
});

test("a watcher that already failed with these inputs: the prompt gives up at once and says why, in one line", async () => {
  const { sb, root, state } = await project();
  const pid = fakeWatcher();
  const later = new Date(Date.now() + 1000).toISOString(); // after devenv.lock was written: it has seen these inputs
  writeWatcherFiles(state, pid, {
    [root]: { state: "retrying", lastRun: later, nextRetry: new Date(Date.now() + 60_000).toISOString(), message: "HTTP 503 for http://127.0.0.1/zig.tar.xz" },
  });
  const { act, ms, stderr } = await hookEnv(sb, root);
  assert.match(stderr, /devenv watch is installing zig 0\.13\.0/);
  assert.equal(act.status, "missing");
  assert.equal(
    act.message,
    `devenv: ${sb.project}: not installed yet: zig 0.13.0 (devenv watch: HTTP 503 for http://127.0.0.1/zig.tar.xz; it will retry, 'devenv watch status' shows when)`,
  );
  assert.ok(ms < 4000, `took ${ms} ms`);
});

test("a project the watcher does not know is registered for it; if the watcher never lists it, the prompt stops waiting", async () => {
  const { sb, root, state } = await project();
  const pid = fakeWatcher();
  writeWatcherFiles(state, pid); // lists no projects, and never will: this one does not watch
  // `devenv lock` registered the project (every command that writes devenv.lock does); one whose lock came
  // with a clone, never used by devenv, is not registered yet.
  rmSync(join(state, "roots"), { recursive: true });
  assert.equal(readRoot(state, root), undefined, "never used: not registered");
  const { act, ms } = await hookEnv(sb, root);
  assert.ok(readRoot(state, root), "registered, so that a real watcher picks it up");
  assert.equal(act.message, `devenv: ${sb.project}: not installed yet: zig 0.13.0 (devenv watch is not watching this project)`);
  assert.ok(ms >= 5000 && ms < 12_000, `took ${ms} ms`);
});

test("what the watcher installs while the prompt waits is used: the activation is ok", async () => {
  const { sb, root, state } = await project();
  const pid = fakeWatcher();
  writeWatcherFiles(state, pid, { [root]: { state: "pending" } });
  fake.slow(/zig-.*\.tar\.xz$/, 200_000); // the hook must be seen waiting before the install ends
  try {
    const waiting = hookEnv(sb, root);
    // The watcher's install (done here by another devenv process, as the watcher's refresh would).
    const installed = sb.run(["install"]);
    const [{ act, stderr }, inst] = await Promise.all([waiting, installed]);
    assertOk(inst);
    assert.match(stderr, /devenv watch is installing zig 0\.13\.0/);
    assert.equal(act.status, "ok");
    assert.deepEqual(act.tools, ["zig@0.13.0"]);
  } finally {
    fake.reset();
  }
});

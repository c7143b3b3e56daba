/**
 * A supervisor in its own process (test/integration/supervisor-driver.ts), seen from another one:
 * kill -9 of it leaves its children running; readProjectStatus reports them orphaned; cleanStale
 * and a new start() stop them and only them (a forged pid file naming a live unrelated process is
 * never signalled); a second start() is refused while one is up; stopProject stops a live
 * supervisor; requestRestart makes it run a process again.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { after, test } from "node:test";
import { DevenvError } from "../../src/errors.js";
import { pidAlive } from "../../src/platform/fs.js";
import { requestRestart } from "../../src/services/control.js";
import { stopProject } from "../../src/services/down.js";
import { identify } from "../../src/services/identity.js";
import { pidFile, type ServicePaths } from "../../src/services/paths.js";
import { readProjectStatus } from "../../src/services/project-status.js";
import { cleanStale } from "../../src/services/stale.js";
import { readStatus, writePidRecord } from "../../src/services/status-file.js";
import { waitFor } from "../support/wait.js";
import { lines, read, startDriver, supKit, waitGone, type SupKit, supervisor } from "./supervisor-kit.js";
import { join } from "node:path";

const started: ChildProcess[] = [];
after(() => {
  for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
});

function twoProcesses(k: SupKit, shared: string) {
  return [
    k.spec("a", "forever.js", ["a", "", shared], { ready: { kind: "exec", argv: [process.execPath, "-e", ""] } }),
    k.spec("b", "forever.js", ["b", "", shared], { after: ["a"] }),
  ];
}

async function upInDriver(k: SupKit, shared: string) {
  const d = startDriver(k, twoProcesses(k, shared));
  started.push(d.child);
  await waitFor("the driver's READY", () => d.out().includes("READY") || d.out().includes("FAILED"), { detail: d.out });
  assert.match(d.out(), /READY/);
  const pids = Object.fromEntries(readStatus(k.paths)!.processes.map((p) => [p.name, p.pid!]));
  for (const n of ["a", "b"]) await waitFor(`${n}'s SIGTERM handler`, () => read(join(k.paths.logs, `${n}.log`)).includes(`${n} up`));
  return { ...d, pids };
}

/** A live process that is not ours, and a pid file claiming it (as if its pid had been reused). */
async function forgedPidFile(paths: ServicePaths) {
  // In a group of its own, as our children are: a broken check would signal only it, never the test runner.
  const sleeper = spawn("sleep", ["1000"], { stdio: "ignore", detached: true });
  started.push(sleeper);
  const id = await waitFor("sleep's identity", () => identify(sleeper.pid!)?.argv[0] === "sleep" && identify(sleeper.pid!));
  await writePidRecord(paths, { ...id, startTime: id.startTime! - 1, name: "reused", stop: [{ signal: "SIGTERM", waitMs: 100 }] });
  return sleeper;
}

async function killDriver(d: { child: ChildProcess }) {
  const gone = new Promise((r) => d.child.once("exit", r));
  d.child.kill("SIGKILL");
  await gone;
}

test("kill -9 of the supervisor leaves its children running and orphaned; cleanStale stops them, in reverse order, and never signals a pid that is someone else's now", async () => {
  const k = supKit("kill9");
  const shared = join(k.dir, "sigterm order");
  const d = await upInDriver(k, shared);
  await killDriver(d);
  assert.ok(pidAlive(d.pids.a!) && pidAlive(d.pids.b!), "children survive their supervisor");
  const sleeper = await forgedPidFile(k.paths);

  const ps = readProjectStatus(k.paths);
  assert.equal(ps.state, "stale");
  assert.equal(ps.supervisor?.alive, false);
  assert.equal(ps.supervisor?.pid, d.child.pid);
  assert.deepEqual(ps.processes.filter((p) => p.name !== "reused").map((p) => [p.name, p.state, p.pid]), [["a", "orphaned", d.pids.a], ["b", "orphaned", d.pids.b]]);
  assert.equal(existsSync(pidFile(k.paths, "reused")), false, "ps removed the pid file of a process that is not ours");

  await writePidRecord(k.paths, { ...identify(sleeper.pid!)!, startTime: identify(sleeper.pid!)!.startTime! - 1, name: "reused", stop: [{ signal: "SIGTERM", waitMs: 100 }] });
  const r = await cleanStale(k.paths);
  assert.deepEqual(r.stopped, ["b", "a"]);
  assert.deepEqual(r.removed, ["reused"]);
  assert.equal(r.deadSupervisor, true);
  assert.deepEqual(lines(shared), ["b", "a"]);
  await waitGone(d.pids.a!, "a");
  await waitGone(d.pids.b!, "b");
  assert.equal(sleeper.exitCode, null, "the unrelated process was not signalled");
  assert.equal(sleeper.signalCode, null);
  assert.ok(pidAlive(sleeper.pid!));
  assert.deepEqual(readdirSync(k.paths.pids), []);
  assert.equal(existsSync(k.paths.supervisor), false);
  assert.deepEqual(readStatus(k.paths)!.processes.map((p) => p.state), ["stopped", "stopped"]);
  assert.equal(readProjectStatus(k.paths).state, "down");
  sleeper.kill("SIGKILL");
});

test("a new start() after kill -9 stops the old children first, then runs its own", async () => {
  const k = supKit("restart-after-kill9");
  const shared = join(k.dir, "sigterm order");
  const d = await upInDriver(k, shared);
  await killDriver(d);
  const sup = supervisor({ paths: k.paths, mode: "detached", specs: twoProcesses(k, shared) });
  await sup.start();
  assert.deepEqual(lines(shared), ["b", "a"], "the old ones got their stop signal");
  await waitGone(d.pids.a!, "old a");
  await waitGone(d.pids.b!, "old b");
  const now = readStatus(k.paths)!.processes;
  assert.deepEqual(now.map((p) => p.state), ["ready", "ready"]);
  assert.notEqual(now[0]!.pid, d.pids.a);
  await sup.stop();
});

test("start() is refused while the project's supervisor is up; stopProject stops it (SIGTERM) and everything it ran; a second stopProject finds nothing", async () => {
  const k = supKit("down");
  const shared = join(k.dir, "sigterm order");
  const d = await upInDriver(k, shared);
  const err = await supervisor({ paths: k.paths, mode: "detached", specs: [] }).start().then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof DevenvError);
  assert.equal(err.code, "USAGE");
  assert.equal(err.exitCode, 1);
  assert.match(err.message, new RegExp(`already up \\(supervisor pid ${d.child.pid}`));
  assert.match(err.hint!, /devenv down/);
  assert.ok(pidAlive(d.pids.a!), "the refused start touched nothing");

  const exited = new Promise<number | null>((r) => d.child.once("exit", (code) => r(code)));
  const r = await stopProject(k.paths);
  assert.deepEqual(r, { wasUp: true, stopped: ["a", "b"] });
  assert.equal(await exited, 0, "the supervisor stopped on its own");
  assert.deepEqual(lines(shared), ["b", "a"]);
  await waitGone(d.pids.a!, "a");
  await waitGone(d.pids.b!, "b");
  assert.equal(existsSync(k.paths.supervisor), false);
  assert.deepEqual(await stopProject(k.paths), { wasUp: false, stopped: [] });
  assert.equal(readProjectStatus(k.paths).state, "down");
});

test("readProjectStatus from another process follows the live supervisor; requestRestart runs a process again (new pid, the other untouched); a request naming no process does not bring the supervisor down", async () => {
  const k = supKit("request");
  const d = await upInDriver(k, join(k.dir, "sigterm order"));
  const ps = readProjectStatus(k.paths);
  assert.equal(ps.state, "up");
  assert.equal(ps.ready, true);
  assert.deepEqual(ps.supervisor && [ps.supervisor.pid, ps.supervisor.alive, ps.supervisor.mode], [d.child.pid, true, "detached"]);
  assert.deepEqual(ps.processes.map((p) => [p.name, p.state, p.pid]), [["a", "ready", d.pids.a], ["b", "ready", d.pids.b]]);

  await requestRestart(k.paths, ["nosuch"]); // refused by the supervisor, which must survive it (nobody waits for a restart)
  await requestRestart(k.paths, ["b"]);
  const b = await waitFor("b running again under a new pid", () => {
    const p = readProjectStatus(k.paths).processes.find((p) => p.name === "b");
    return p?.state === "ready" && p.pid !== d.pids.b ? p : undefined;
  }, { detail: d.out });
  await waitGone(d.pids.b!, "the old b");
  assert.ok(pidAlive(d.pids.a!));
  assert.equal(readProjectStatus(k.paths).processes.find((p) => p.name === "a")!.pid, d.pids.a);
  assert.deepEqual(readdirSync(k.paths.control), [], "the request was taken");
  assert.ok(b.pid);
  await stopProject(k.paths);
  await waitGone(b.pid!, "b");
});

test("two supervisors started at once for one project: one runs, the other is refused, and only one copy of each process runs", async () => {
  const k = supKit("race");
  const specs = [k.spec("a", "forever.js", ["a"])];
  // In one process, so both start() calls really overlap (two processes start milliseconds apart).
  const [s1, s2] = [supervisor({ paths: k.paths, mode: "detached", specs }), supervisor({ paths: k.paths, mode: "detached", specs })];
  const [r1, r2] = await Promise.allSettled([s1.start(), s2.start()]);
  assert.deepEqual([r1.status, r2.status], ["fulfilled", "rejected"]);
  assert.match(String((r2 as PromiseRejectedResult).reason?.message), /this project's services are already up/);
  const script = k.script("forever.js");
  const copies = () =>
    readdirSync("/proc").filter((p) => /^\d+$/.test(p) && read(`/proc/${p}/cmdline`).split("\0").includes(script) && !/\) Z /.test(read(`/proc/${p}/stat`)));
  await waitFor("a running", () => readStatus(k.paths)?.processes[0]?.state === "ready");
  assert.equal(copies().length, 1, "one copy of a");
  await s2.stop(); // the refused one: touches nothing
  assert.ok(existsSync(k.paths.supervisor), "the refused supervisor left the running one's identity file");
  assert.equal(copies().length, 1);
  await s1.stop();
  await waitFor("no copy of a left", () => copies().length === 0);
});

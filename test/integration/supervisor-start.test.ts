/**
 * Supervisor start and stop with real processes: order with `after` and tcp/http readiness, exec
 * readiness, a process that exits before ready, a ready timeout, stop in reverse order, stop
 * escalation to SIGKILL, a grandchild stopped with its group.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { test } from "node:test";
import { pidAlive } from "../../src/platform/fs.js";
import { logFile } from "../../src/services/paths.js";
import { readStatus } from "../../src/services/status-file.js";
import type { SupervisorEvent } from "../../src/services/supervisor.js";
import { ProcessStartError } from "../../src/services/failure.js";
import { waitFor } from "../support/wait.js";
import { freePort, lines, read, supKit, waitGone, supervisor } from "./supervisor-kit.js";
import { join } from "node:path";

const events = (list: SupervisorEvent[]) => (e: SupervisorEvent) => list.push(e);
const seq = (list: SupervisorEvent[], type: SupervisorEvent["type"]) => list.filter((e) => e.type === type).map((e) => e.name);

test("starts in order: each waits for what it names in after (tcp, then http readiness of a late listener); stops in reverse order", async () => {
  const k = supKit("order");
  const shared = join(k.dir, "stopped order.txt");
  const [p1, p2] = [await freePort(), await freePort()];
  const ev: SupervisorEvent[] = [];
  const sup = supervisor({
    paths: k.paths,
    mode: "foreground",
    onEvent: events(ev),
    specs: [
      k.spec("db", "server.js", ["db", p1, 400, shared], { ready: { kind: "tcp", host: "127.0.0.1", port: p1 } }),
      k.spec("api", "server.js", ["api", p2, 600, shared], { after: ["db"], ready: { kind: "http", url: `http://127.0.0.1:${p2}/` } }),
      k.spec("worker", "forever.js", ["worker", "", shared], { after: ["api"] }),
    ],
  });
  await sup.start();
  // Each started only after the one before was ready.
  const order = ev.filter((e) => e.type === "starting" || e.type === "ready").map((e) => `${e.type} ${e.name}`);
  assert.deepEqual(order, ["starting db", "ready db", "starting api", "ready api", "starting worker", "ready worker"]);
  assert.match(read(logFile(k.paths, "api")), /api listening on[\s\S]*api answered 503\n[\s\S]*api answered 200\n/, "api was ready only once it listened and answered 200");
  const st = readStatus(k.paths)!;
  assert.equal(st.ready, true);
  assert.deepEqual(st.processes.map((p) => [p.name, p.state]), [["db", "ready"], ["api", "ready"], ["worker", "ready"]]);
  const pids = st.processes.map((p) => p.pid!);
  assert.deepEqual(readdirSync(k.paths.pids).sort(), ["api.json", "db.json", "worker.json"]);
  await waitFor("worker's SIGTERM handler", () => read(logFile(k.paths, "worker")).includes("worker up"));
  await sup.stop();
  await sup.finished;
  assert.deepEqual(lines(shared), ["worker", "api", "db"], "SIGTERM reached them in reverse start order");
  assert.deepEqual(seq(ev, "stopped"), ["worker", "api", "db"]);
  for (const pid of pids) assert.equal(pidAlive(pid) && !read(`/proc/${pid}/stat`).includes(") Z "), false);
  assert.deepEqual(readdirSync(k.paths.pids), [], "pid files removed");
  assert.equal(existsSync(k.paths.supervisor), false, "identity file removed");
  assert.deepEqual(readStatus(k.paths)!.processes.map((p) => p.state), ["stopped", "stopped", "stopped"]);
  await sup.stop(); // idempotent
});

test("exec readiness: ready once the command exits 0, run in the process's cwd and env", async () => {
  const k = supKit("exec");
  const flag = join(k.dir, "flag file");
  const sup = supervisor({
    paths: k.paths,
    mode: "detached",
    specs: [
      k.spec("svc", "forever.js", ["svc"], {
        env: { PATH: process.env.PATH!, FLAG: flag },
        // Passes once the test has created the flag file; looks it up through the process's env.
        ready: { kind: "exec", argv: [process.execPath, "-e", "process.exit(require('fs').existsSync(process.env.FLAG) ? 0 : 1)"] },
      }),
    ],
  });
  let ready = false;
  const started = sup.start().then(() => (ready = true));
  await waitFor("svc started", () => readStatus(k.paths)?.processes[0]?.state === "starting");
  assert.equal(ready, false);
  (await import("node:fs")).writeFileSync(flag, "");
  await started;
  assert.equal(readStatus(k.paths)!.processes[0]!.state, "ready");
  await sup.stop();
});

test('restart "no": a process that exits before it is ready fails start() with its last log lines, and nothing is left running', async () => {
  const k = supKit("early-exit");
  const p1 = await freePort();
  const sup = supervisor({
    paths: k.paths,
    mode: "detached",
    specs: [
      k.spec("db", "forever.js", ["db"]),
      k.spec("api", "crash.js", ["api", 3], { after: ["db"], ready: { kind: "tcp", host: "127.0.0.1", port: p1 } }),
      k.spec("never", "forever.js", ["never"], { after: ["api"] }),
    ],
  });
  const err = await sup.start().then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof ProcessStartError, String(err));
  assert.equal(err.process, "api");
  assert.match(err.message, /api did not start: it exited \(exit 3\) before it was ready/);
  assert.ok(err.logLines.includes("api crashing with 3"), err.message);
  const st = readStatus(k.paths)!;
  assert.deepEqual(st.processes.map((p) => [p.name, p.state]), [["db", "stopped"], ["api", "stopped"], ["never", "stopped"]]);
  assert.equal(existsSync(logFile(k.paths, "never")), false, "never started");
  assert.deepEqual(readdirSync(k.paths.pids), []);
  assert.equal(existsSync(k.paths.supervisor), false);
  const dbPid = /\[devenv\] started: pid (\d+)/.exec(read(logFile(k.paths, "db")))?.[1];
  assert.ok(dbPid);
  await waitGone(Number(dbPid), "db");
});

test("ready timeout: start() fails naming the check, the process is stopped", async () => {
  const k = supKit("timeout");
  const p1 = await freePort();
  const sup = supervisor({
    paths: k.paths,
    mode: "detached",
    specs: [k.spec("slow", "forever.js", ["slow"], { readyTimeoutMs: 600, ready: { kind: "tcp", host: "127.0.0.1", port: p1 } })],
  });
  const err = await sup.start().then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof ProcessStartError, String(err));
  assert.match(err.message, /slow did not start: not ready after 0\.6 s \(tcp 127\.0\.0\.1:\d+\)/);
  const pid = Number(/\[devenv\] started: pid (\d+)/.exec(read(logFile(k.paths, "slow")))?.[1]);
  assert.ok(pid > 0);
  await waitGone(pid, "slow");
});

test("stop escalates: a child ignoring SIGTERM is SIGKILLed after its wait; a grandchild in the group is stopped too", async () => {
  const k = supKit("escalate");
  const gpid = join(k.dir, "grandchild pid");
  const sup = supervisor({
    paths: k.paths,
    mode: "detached",
    specs: [
      k.spec("parent", "parent.js", [gpid]),
      k.spec("stubborn", "forever.js", ["stubborn", "ignore-term"], { stop: [{ signal: "SIGTERM", waitMs: 700 }] }),
    ],
  });
  await sup.start();
  const grandchild = Number(await waitFor("the grandchild's pid", () => read(gpid)));
  const stubborn = readStatus(k.paths)!.processes[1]!.pid!;
  await waitFor("stubborn's handler", () => read(logFile(k.paths, "stubborn")).includes("stubborn up"));
  const t0 = Date.now();
  await sup.stop();
  assert.ok(Date.now() - t0 >= 650, "waited for SIGTERM first");
  assert.match(read(logFile(k.paths, "stubborn")), /stubborn ignores SIGTERM[\s\S]*killed after its stop timeout/);
  await waitGone(stubborn, "stubborn");
  await waitGone(grandchild, "grandchild");
});

test("a process that exited leaving a child in its group (a daemonising script): stop() stops that child too", async () => {
  const k = supKit("leaver");
  const gpid = join(k.dir, "grandchild pid");
  const sup = supervisor({ paths: k.paths, mode: "detached", specs: [k.spec("daemon", "leaver.js", [gpid])] });
  await sup.start();
  const grandchild = Number(await waitFor("the grandchild's pid", () => read(gpid)));
  await waitFor("the script exited", () => readStatus(k.paths)?.processes[0]?.state === "exited");
  assert.ok(pidAlive(grandchild));
  await sup.stop();
  await waitGone(grandchild, "the grandchild");
});

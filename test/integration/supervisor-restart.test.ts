/**
 * Restarts by policy with real processes: a crashing worker under "on-failure" restarted with
 * growing back-off (restarts and lastExit in status.json), exit 0 under "on-failure" left alone,
 * a server killed by a signal restarted through readiness again, and no restart during stop.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { logFile } from "../../src/services/paths.js";
import { readStatus } from "../../src/services/status-file.js";
import type { SupervisorEvent } from "../../src/services/supervisor.js";
import { waitFor } from "../support/wait.js";
import { freePort, lines, read, startDriver, supKit, waitGone, supervisor } from "./supervisor-kit.js";
import { stopProject } from "../../src/services/down.js";
import { join } from "node:path";
import { unlinkSync, writeFileSync } from "node:fs";
import { ProcessStartError } from "../../src/services/failure.js";

const backoff = { initialMs: 100, maxMs: 400, resetAfterMs: 10_000 };

test('a crashing worker under restart "on-failure" is restarted with doubling back-off; status.json counts restarts and says how it ended', async () => {
  const k = supKit("crash");
  const runs = join(k.dir, "runs");
  const ev: SupervisorEvent[] = [];
  const sup = supervisor({
    paths: k.paths,
    mode: "detached",
    backoff,
    onEvent: (e) => ev.push(e),
    specs: [k.spec("worker", "crash.js", ["worker", 1, runs], { restart: "on-failure" })],
  });
  await sup.start();
  const st = await waitFor("four restarts in status.json", () => {
    const p = readStatus(k.paths)?.processes[0];
    return p && p.restarts >= 4 ? p : undefined;
  });
  assert.equal(st.lastExit, "exit 1");
  const delays = ev.filter((e) => e.type === "restarting").map((e) => e.detail);
  assert.deepEqual(delays.slice(0, 4), ["in 100 ms", "in 200 ms", "in 400 ms", "in 400 ms"]);
  // The status said "backoff" with the next start time at some point: seen in the log of states via events.
  assert.ok(lines(runs).length >= 4);
  await sup.stop();
  const after = readStatus(k.paths)!.processes[0]!;
  assert.equal(after.state, "stopped");
  const started = read(logFile(k.paths, "worker")).match(/\[devenv\] started: pid/g)?.length;
  assert.equal(started, after.restarts + 1, "restarts counts the runs started after the first");
  assert.ok(lines(runs).length <= started!, "no run after stop");
});

test('under "on-failure" an exit 0 is not restarted: state exited, lastExit "exit 0"', async () => {
  const k = supKit("clean-exit");
  const sup = supervisor({ paths: k.paths, mode: "detached", backoff, specs: [k.spec("job", "crash.js", ["job", 0], { restart: "on-failure" })] });
  await sup.start();
  const p = await waitFor("job exited", () => {
    const p = readStatus(k.paths)?.processes[0];
    return p?.state === "exited" ? p : undefined;
  });
  assert.equal(p.lastExit, "exit 0");
  assert.equal(p.restarts, 0);
  await sup.stop();
});

test("a server killed by a signal is restarted and goes through readiness again (http)", async () => {
  const k = supKit("signal");
  const port = await freePort();
  const ev: SupervisorEvent[] = [];
  const sup = supervisor({
    paths: k.paths,
    mode: "detached",
    backoff,
    onEvent: (e) => ev.push(e),
    specs: [k.spec("api", "server.js", ["api", port, 300, join(k.dir, "x")], { restart: "on-failure", ready: { kind: "http", url: `http://127.0.0.1:${port}/` } })],
  });
  await sup.start();
  const first = readStatus(k.paths)!.processes[0]!.pid!;
  process.kill(first, "SIGSEGV");
  const p = await waitFor("api ready again under a new pid", () => {
    const p = readStatus(k.paths)?.processes[0];
    return p?.state === "ready" && p.pid !== first ? p : undefined;
  });
  assert.equal(p.lastExit, "signal SIGSEGV");
  assert.equal(p.restarts, 1);
  assert.deepEqual(ev.filter((e) => e.type === "ready").map((e) => e.name), ["api", "api"]);
  assert.equal(read(logFile(k.paths, "api")).match(/api listening on/g)?.length, 2, "ready only after the new run listened");
  await sup.stop();
  await waitGone(p.pid!, "api");
});

test("restart(name): a new run that is not ready in time fails restart() and is stopped; the other process keeps running", async () => {
  const k = supKit("restart-timeout");
  const flag = join(k.dir, "ready flag");
  writeFileSync(flag, "");
  const sup = supervisor({
    paths: k.paths,
    mode: "detached",
    backoff,
    specs: [
      k.spec("db", "forever.js", ["db"]),
      k.spec("api", "forever.js", ["api"], {
        after: ["db"],
        readyTimeoutMs: 800,
        env: { PATH: process.env.PATH!, FLAG: flag },
        ready: { kind: "exec", argv: [process.execPath, "-e", "process.exit(require('fs').existsSync(process.env.FLAG) ? 0 : 1)"] },
      }),
    ],
  });
  await sup.start();
  const [db, api] = readStatus(k.paths)!.processes;
  unlinkSync(flag);
  const err = await sup.restart(["api"]).then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof ProcessStartError, String(err));
  assert.match(err.message, /api did not start: not ready after 0\.8 s/);
  await waitGone(api!.pid!, "the first api");
  const second = Number([...read(logFile(k.paths, "api")).matchAll(/\[devenv\] started: pid (\d+)/g)][1]?.[1]);
  assert.ok(second > 0 && second !== api!.pid);
  await waitGone(second, "the api run that was not ready");
  const now = readStatus(k.paths)!.processes;
  assert.deepEqual(now.map((p) => [p.name, p.state, p.pid]), [["db", "ready", db!.pid], ["api", "failed", undefined]]);
  await sup.stop();
});

test("a process crash-looping for a while: each restart goes through readiness, and the supervisor says nothing of its own (no listener leak warning)", async () => {
  const k = supKit("loop");
  const d = startDriver(
    k,
    [k.spec("flappy", "crash.js", ["flappy", 1], { restart: "always", ready: { kind: "exec", argv: [process.execPath, "-e", ""] } })],
    { initialMs: 5, maxMs: 10, resetAfterMs: 60_000 },
  );
  await waitFor("READY", () => d.out().includes("READY"), { detail: d.out });
  // Each restart starts two node processes (the crash and the readiness probe): on a loaded machine
  // 15 of them take far longer than 15 s, so the bound is wide; it only ends a wait that went wrong.
  await waitFor("15 restarts", () => (readStatus(k.paths)?.processes[0]?.restarts ?? 0) >= 15, { detail: d.out, timeoutMs: 90_000 });
  const said = d.out().split("\n").filter((l) => l && !/^(EVENT|READY)/.test(l));
  assert.deepEqual(said, [], "the supervisor printed only its events");
  await stopProject(k.paths);
});

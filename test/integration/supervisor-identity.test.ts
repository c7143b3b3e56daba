/**
 * identify / isSameProcess on real processes (Linux /proc): a live process is itself; the same pid
 * with another start time (a reused pid) is not; a zombie is not; a program name holding ") " does
 * not shift the fields of /proc/<pid>/stat.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { symlinkSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { identify, isSameProcess, procStat } from "../../src/services/identity.js";
import { waitFor } from "../support/wait.js";
import { read, supKit } from "./supervisor-kit.js";

const linux = process.platform === "linux";

test("a live process is itself; the same pid with another start time (reused) is not", { skip: !linux }, async () => {
  const me = identify(process.pid)!;
  assert.equal(me.pid, process.pid);
  assert.equal(me.argv[0], process.execPath);
  assert.ok(isSameProcess(me));
  assert.equal(isSameProcess({ ...me, startTime: me.startTime! + 1 }), false);
  assert.equal(isSameProcess({ ...me, startTime: undefined }), false, "no start time recorded: not verified");
});

test("a zombie is not a live process of ours", { skip: !linux }, async () => {
  // sh starts a child in the background, then becomes sleep, which never reaps it; the child exits
  // only once its parent is sleep (a child that exits earlier may be reaped by sh itself).
  const child = `while [ "$(cat /proc/$PPID/comm)" != sleep ]; do sleep 0.01; done`;
  const sh = spawn("sh", ["-c", `sh -c '${child}' & echo $!; exec sleep 100`], { stdio: ["ignore", "pipe", "ignore"] });
  let out = "";
  sh.stdout.on("data", (d) => (out += d));
  try {
    const pid = Number(await waitFor("the background pid", () => out.trim()));
    await waitFor("it to be a zombie", () => procStat(pid)?.state === "Z");
    const st = procStat(pid)!;
    assert.equal(identify(pid), undefined);
    assert.equal(isSameProcess({ pid, startTime: st.startTime, argv: ["true"], pgid: pid }), false);
  } finally {
    sh.kill("SIGKILL");
  }
});

test("a program name with ') ' in it does not shift the fields of /proc/<pid>/stat", { skip: !linux }, async () => {
  const k = supKit("comm");
  const odd = join(k.dir, "a) b (c");
  symlinkSync(process.execPath, odd);
  const child = spawn(odd, ["-e", "setInterval(() => {}, 1 << 30)"], { stdio: "ignore", detached: true });
  try {
    await waitFor("its comm", () => read(`/proc/${child.pid}/stat`).includes("(a) b (c)"));
    const id = identify(child.pid!)!;
    assert.equal(id.pgid, child.pid, "detached: it leads its own group (field 5 parsed after the last ')')");
    assert.equal(procStat(child.pid!)!.state === "S" || procStat(child.pid!)!.state === "R", true);
    assert.ok(isSameProcess(id));
  } finally {
    child.kill("SIGKILL");
  }
});

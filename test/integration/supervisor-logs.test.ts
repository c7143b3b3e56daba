/**
 * Process logs on real files: lastLines from the end (bounded), rotation at start, follow (whole
 * lines only, a file that appears later, truncation and rotation), and a child writing straight to
 * its log so it outlives a supervisor killed with -9.
 */
import assert from "node:assert/strict";
import { appendFileSync, existsSync, readFileSync, renameSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { pidAlive } from "../../src/platform/fs.js";
import { follow } from "../../src/services/follow.js";
import { lastLines, openLogFd, rotateIfLarge } from "../../src/services/logs.js";
import { logFile } from "../../src/services/paths.js";
import { stopProject } from "../../src/services/down.js";
import { readStatus } from "../../src/services/status-file.js";
import { waitFor } from "../support/wait.js";
import { read, startDriver, supKit, waitGone } from "./supervisor-kit.js";
import { closeSync } from "node:fs";

test("lastLines reads the last n lines from the end, within a byte bound (a line cut by the bound is dropped); none for a missing file", () => {
  const k = supKit("last");
  const f = join(k.dir, "a log.log");
  writeFileSync(f, Array.from({ length: 100 }, (_, i) => `line ${i}`).join("\n") + "\n");
  assert.deepEqual(lastLines(f, 3), ["line 97", "line 98", "line 99"]);
  assert.deepEqual(lastLines(f, 1000, 32), ["line 96", "line 97", "line 98", "line 99"], "32 bytes: four whole lines");
  assert.deepEqual(lastLines(f, 1000, 30), ["line 97", "line 98", "line 99"], "30 bytes: the cut line 96 is dropped");
  appendFileSync(f, "no newline yet");
  assert.deepEqual(lastLines(f, 2), ["line 99", "no newline yet"]);
  assert.deepEqual(lastLines(join(k.dir, "none.log"), 5), []);
});

test("a log past the limit is rotated to .1 (one kept) when a run opens it", () => {
  const k = supKit("rotate");
  const f = join(k.dir, "svc.log");
  writeFileSync(f, "old run\n");
  assert.equal(rotateIfLarge(f, 100), false);
  writeFileSync(f, "x".repeat(200));
  assert.equal(rotateIfLarge(f, 100), true);
  assert.equal(readFileSync(`${f}.1`, "utf8"), "x".repeat(200));
  assert.equal(existsSync(f), false);
  writeFileSync(f, "y".repeat(11 * 1024 * 1024));
  closeSync(openLogFd(f)); // the default limit is 10 MiB
  assert.equal(readFileSync(`${f}.1`, "utf8").length, 11 * 1024 * 1024, "the older .1 was replaced");
  assert.equal(readFileSync(f, "utf8"), "");
});

test("follow emits whole lines of several files, picks up a file that appears later, and rereads a truncated or rotated file from its start", async (t) => {
  const k = supKit("follow");
  const a = join(k.dir, "a.log");
  const b = join(k.dir, "b.log");
  writeFileSync(a, "before\n");
  const got: string[] = [];
  const ac = new AbortController();
  const done = follow([{ name: "a", file: a }, { name: "b", file: b }], (n, l) => got.push(`${n}: ${l}`), ac.signal, { fromEnd: true, everyMs: 20 });
  t.after(() => ac.abort()); // also when an assertion fails half-way
  appendFileSync(a, "one\ntw");
  await waitFor("a: one", () => got.includes("a: one"));
  appendFileSync(a, "o\n");
  await waitFor("a: two", () => got.includes("a: two"));
  writeFileSync(b, "b appears\n");
  await waitFor("b: b appears", () => got.includes("b: b appears"));
  truncateSync(a, 0);
  appendFileSync(a, "fresh\n");
  await waitFor("a: fresh", () => got.includes("a: fresh"));
  renameSync(b, `${b}.1`);
  writeFileSync(b, "rotated and longer than before\n");
  await waitFor("b after rotation", () => got.includes("b: rotated and longer than before"));
  ac.abort();
  await done;
  assert.deepEqual(got, ["a: one", "a: two", "b: b appears", "a: fresh", "b: rotated and longer than before"], "no partial line, nothing from before the start");
});

test("a child writes straight to its log: it keeps running and logging after its supervisor is killed with -9", async () => {
  const k = supKit("nopipe");
  const d = startDriver(k, [k.spec("ticker", "ticker.js", ["ticker"])]);
  await waitFor("READY", () => d.out().includes("READY"), { detail: d.out });
  const pid = readStatus(k.paths)!.processes[0]!.pid!;
  const gone = new Promise((r) => d.child.once("exit", r));
  d.child.kill("SIGKILL");
  await gone;
  const log = logFile(k.paths, "ticker");
  const seen = read(log).match(/tick (\d+)/g)?.length ?? 0;
  await waitFor("ten more ticks after the supervisor died", () => (read(log).match(/tick (\d+)/g)?.length ?? 0) >= seen + 10);
  assert.ok(pidAlive(pid));
  await stopProject(k.paths);
  await waitGone(pid, "ticker");
});

/**
 * The background watcher: find the live one (`<state>/watch/watch.pid`), start one detached
 * (`devenv watch --detach`), stop it (`devenv watch stop`). The watcher itself (`devenv watch` in
 * the foreground, src/app/watch/watcher.ts) claims the pid file and removes it when it stops.
 */
import { spawn } from "node:child_process";
import { closeSync, fstatSync, openSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { DevenvError } from "../../errors.js";
import type { AppContext } from "../context.js";
import { watchPaths } from "../../state/watch-status.js";
import { alreadyRunning, isWatcher, readPidFile, watcherPid } from "../../state/watch-pid.js";

const START_TIMEOUT_MS = 5_000;
const STOP_TIMEOUT_MS = 5_000;
/** A log bigger than this is moved to `watch.log.old` when a watcher is started (one generation kept). */
const LOG_ROTATE_BYTES = 4 * 1024 * 1024;

function logTail(file: string, from: number, lines = 12): string {
  try {
    const text = readFileSync(file).subarray(from).toString("utf8");
    return text
      .split("\n")
      .map((l) => l.trimEnd())
      .filter(Boolean)
      .slice(-lines)
      .join("\n");
  } catch {
    return "";
  }
}

/**
 * Start `devenv watch` in the background: its own session, output appended to the watch log, cwd
 * the state dir (never a project, which could be moved or deleted). Returns once the new watcher
 * has claimed watch.pid; throws (with the end of the log) if it exits or does not claim it in time.
 */
export async function startDetached(ctx: AppContext, cliPath: string, opts: { timeoutMs?: number } = {}): Promise<{ pid: number; log: string }> {
  const state = ctx.dirs.state;
  const paths = watchPaths(state);
  const running = watcherPid(state);
  if (running !== undefined) throw alreadyRunning(running);

  await mkdir(paths.dir, { recursive: true });
  if ((statSync(paths.log, { throwIfNoEntry: false })?.size ?? 0) > LOG_ROTATE_BYTES) renameSync(paths.log, `${paths.log}.old`);
  const logFd = openSync(paths.log, "a", 0o644);
  const logStart = fstatSync(logFd).size;
  let child;
  try {
    child = spawn(process.execPath, [cliPath, "watch"], {
      detached: true,
      stdio: ["ignore", logFd, logFd],
      env: ctx.env,
      cwd: state,
    });
  } finally {
    closeSync(logFd); // the child has its own copy
  }
  let exited: string | undefined;
  child.once("exit", (code, signal) => (exited = signal ? `was killed by ${signal}` : `exited with code ${code}`));
  child.once("error", (e) => (exited = `could not be started: ${e.message}`));
  child.unref();
  const pid = child.pid;

  const fail = (what: string) => {
    const tail = logTail(paths.log, logStart);
    return new DevenvError("IO", `devenv watch ${what}${tail ? `:\n${tail.replace(/^/gm, "  ")}` : ""}`, {
      hint: `Its output is in ${paths.log}; 'devenv watch' runs it in the foreground.`,
    });
  };
  const deadline = Date.now() + (opts.timeoutMs ?? START_TIMEOUT_MS);
  for (;;) {
    if (pid !== undefined && readPidFile(paths.pid) === pid && !exited) return { pid, log: paths.log };
    if (exited) throw fail(`${exited} before it started`);
    if (Date.now() > deadline) {
      // Half-started: do not leave it behind.
      try {
        if (pid !== undefined) process.kill(pid, "SIGKILL");
      } catch {
        /* gone */
      }
      throw fail(`did not start within ${Math.round((opts.timeoutMs ?? START_TIMEOUT_MS) / 1000)} s`);
    }
    await sleep(50);
  }
}

/**
 * Stop the live watcher: SIGTERM, wait until it is gone (it removes its pid file), and after
 * `timeoutMs` SIGKILL it and remove the pid file ourselves. Undefined if none was running.
 */
export async function stopWatcher(stateDir: string, opts: { timeoutMs?: number } = {}): Promise<{ pid: number } | undefined> {
  const paths = watchPaths(stateDir);
  const pid = watcherPid(stateDir);
  if (pid === undefined) return undefined;
  try {
    process.kill(pid, "SIGTERM");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ESRCH") return { pid };
    throw new DevenvError("IO", `cannot stop devenv watch (pid ${pid}): ${(e as Error).message}`, {
      cause: e,
      hint: "It may belong to another user; stop it as that user.",
    });
  }
  const deadline = Date.now() + (opts.timeoutMs ?? STOP_TIMEOUT_MS);
  while (isWatcher(pid)) {
    if (Date.now() > deadline) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        /* gone just now */
      }
      for (let i = 0; i < 40 && isWatcher(pid); i++) await sleep(25);
      break;
    }
    await sleep(25);
  }
  // A watcher that was killed cannot remove its pid file; a clean one already did.
  if (readPidFile(paths.pid) === pid) rmSync(paths.pid, { force: true });
  return { pid };
}

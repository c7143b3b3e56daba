/**
 * Which process is the running `devenv watch`: the pid in `<state>/watch/watch.pid`, if that
 * process is alive and is a watcher. A pid file left by a watcher that was killed (or by a machine
 * that rebooted) may name a process that has nothing to do with us: it is never signalled, never
 * waited for, and a new watcher takes the file over.
 */
import { readFileSync } from "node:fs";
import { DevenvError } from "../errors.js";
import { pidAlive } from "../platform/fs.js";
import { watchPaths } from "./watch-status.js";

export function readPidFile(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, "utf8").trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** The command line of a process: [] when it is gone, undefined when it cannot be read (then the pid is trusted). */
function commandLine(pid: number): string[] | undefined {
  if (process.platform === "linux") {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === "ENOENT" ? [] : undefined;
    }
  }
  // child_process loaded only here (not at every start of the hook's hook-env).
  const r = process.getBuiltinModule("node:child_process").spawnSync("ps", ["-p", String(pid), "-o", "command="], { encoding: "utf8", timeout: 2_000 });
  if (r.error || r.status === null) return undefined;
  if (r.status !== 0) return [];
  const cmd = r.stdout.trim();
  return cmd ? cmd.split(/\s+/) : [];
}

/** Is `pid` a live `devenv watch`? (A zombie's cmdline is empty: not one.) */
export function isWatcher(pid: number): boolean {
  if (!pidAlive(pid)) return false;
  const argv = commandLine(pid);
  return argv === undefined || argv.includes("watch");
}

/** The pid in watch.pid if that process is a live watcher, else undefined. */
export function watcherPid(stateDir: string): number | undefined {
  const pid = readPidFile(watchPaths(stateDir).pid);
  return pid !== undefined && isWatcher(pid) ? pid : undefined;
}

export const alreadyRunning = (pid: number | undefined) =>
  new DevenvError("USAGE", `devenv watch is already running${pid !== undefined ? ` (pid ${pid})` : ""}`, {
    exitCode: 1,
    hint: "'devenv watch status' shows what it does; 'devenv watch stop' stops it.",
  });

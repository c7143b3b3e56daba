/**
 * Where `devenv watch` keeps its bookkeeping, and the status it publishes for `devenv watch status`
 * (and anyone else): `<state>/watch/{watch.pid, watch.log, status.json}`.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../platform/fs.js";

export interface WatchPaths {
  dir: string;
  /** Holds the running watcher's pid; created exclusively (one watcher per state dir). */
  pid: string;
  /** Where a detached watcher's output goes (appended). */
  log: string;
  status: string;
}

/** The first line of a message, for one-line displays (status table, the hook's line). */
export const firstLine = (s: string) => s.split("\n", 1)[0]!.trim();

/** `YYYY-MM-DD HH:MM:SS` in local time: the watcher's log lines, its retry times, `watch status`. */
export function localStamp(t: number | string): string {
  const d = new Date(t);
  if (Number.isNaN(d.getTime())) return String(t);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export const watchPaths = (stateDir: string): WatchPaths => {
  const dir = join(stateDir, "watch");
  return { dir, pid: join(dir, "watch.pid"), log: join(dir, "watch.log"), status: join(dir, "status.json") };
};

export type ProjectWatchState = "pending" | "ok" | "blocked" | "error" | "missing" | "retrying";

export interface ProjectStatus {
  state: ProjectWatchState;
  /** ISO time of the last refresh. */
  lastRun?: string;
  /** The last refresh's message (errors, not-allowed, download failures); absent when ok. */
  message?: string;
  /** When a failed download is tried again (state "retrying"). */
  nextRetry?: string;
  /** name@version of the tools the current activation has. */
  tools?: string[];
}

export interface WatchStatus {
  pid: number;
  startedAt: string;
  updatedAt: string;
  /** By project real path. */
  projects: Record<string, ProjectStatus>;
}

export function readWatchStatus(stateDir: string): WatchStatus | undefined {
  try {
    return JSON.parse(readFileSync(watchPaths(stateDir).status, "utf8")) as WatchStatus;
  } catch {
    return undefined;
  }
}

export function writeWatchStatus(stateDir: string, status: WatchStatus): Promise<void> {
  return writeFileAtomic(watchPaths(stateDir).status, JSON.stringify(status, null, 2) + "\n", { fsync: false });
}

/**
 * Pure: which service data dirs (`<state>/projects/<name>-<id>/.services`: Postgres data, logs,
 * pid files) gc lists, and which of them it may delete. Nothing here reads or deletes; the facts
 * are gathered by service-data.ts. Service data is never deleted without `remove` (the user's
 * explicit flag), never while something runs on it, never for a project gc cannot identify or
 * cannot look at.
 */
import type { RunningCheck } from "../../services/running.js";

export interface ServiceDataFacts {
  /** The service data dir. */
  dir: string;
  /** A `.services` dir an interrupted gc had moved aside to delete: nothing uses it any more. */
  interrupted: boolean;
  /**
   * What the project's project.json says: its root when it names this very dir's project, else why
   * the project is unknown (no record, a malformed one, one that names another path).
   */
  record: { root: string } | { unknown: string };
  /** Only for a known root: its devenv.ts is there (live), gone (ENOENT/ENOTDIR), or cannot be looked at. */
  project?: "live" | "gone" | { error: string };
  /** Only for dirs that may be deleted. */
  running?: RunningCheck;
}

export type ServiceDataStatus = "gone" | "interrupted" | "unknown-project" | "unreachable";

/** Why a listed dir stays. */
export type ServiceDataKeep =
  | { why: "not-asked" } // no --remove-service-data
  | { why: "running"; pid: number; what: string }
  | { why: "cannot-tell-running"; reason: string }
  | { why: "unknown-project"; reason: string }
  | { why: "unreachable"; reason: string }
  /** Set by the sweep, not the plan: the delete itself failed. */
  | { why: "failed"; reason: string };

export interface ServiceDataItem {
  dir: string;
  /** The project's path, when project.json names it. */
  root: string | undefined;
  status: ServiceDataStatus;
  remove: boolean;
  keep?: ServiceDataKeep;
}

/** The dirs to list (a live project's data is not listed), each with whether it is removed and else why not. */
export function planServiceData(facts: readonly ServiceDataFacts[], opts: { remove: boolean }): ServiceDataItem[] {
  const out: ServiceDataItem[] = [];
  for (const f of facts) {
    const root = "root" in f.record ? f.record.root : undefined;
    const item = (status: ServiceDataStatus, keep?: ServiceDataKeep): ServiceDataItem =>
      ({ dir: f.dir, root, status, remove: keep === undefined, ...(keep ? { keep } : {}) });
    if (f.interrupted) {
      out.push(item("interrupted", opts.remove ? undefined : { why: "not-asked" }));
      continue;
    }
    if ("unknown" in f.record) {
      out.push(item("unknown-project", { why: "unknown-project", reason: f.record.unknown }));
      continue;
    }
    const project = f.project ?? { error: "not looked at" };
    if (project === "live") continue;
    if (project !== "gone") {
      out.push(item("unreachable", { why: "unreachable", reason: project.error }));
      continue;
    }
    const running = f.running ?? { running: "unknown", reason: "not checked" };
    if (running.running === true) out.push(item("gone", { why: "running", pid: running.pid, what: running.what }));
    else if (running.running === "unknown") out.push(item("gone", { why: "cannot-tell-running", reason: running.reason }));
    else out.push(item("gone", opts.remove ? undefined : { why: "not-asked" }));
  }
  return out;
}

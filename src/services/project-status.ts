/**
 * `devenv ps`: status.json checked against what runs. A live supervisor's report is taken as is
 * (a process whose pid is not ours any more is shown stopped); a dead supervisor's leftovers are
 * reported as such: processes still running without it are "orphaned", its dead pid files removed.
 */
import { isSameProcess } from "./identity.js";
import type { ServicePaths } from "./paths.js";
import { readPidRecords, readStatus, readSupervisorRecord, removePidRecord } from "./status-file.js";
import { supervisorAlive } from "./stale.js";
import { groupIsOurs } from "./stop.js";
import type { ProcessState, ProcessStatus } from "./types.js";

export interface ReportedProcess extends Omit<ProcessStatus, "state"> {
  /** "orphaned": still running, but its supervisor is gone (`devenv down` or `up` cleans it). */
  state: ProcessState | "orphaned";
}

export interface ProjectStatus {
  /** "up": a live supervisor; "stale": a dead one left files (and maybe processes); "down": nothing. */
  state: "up" | "stale" | "down";
  supervisor?: { pid: number; mode: "foreground" | "detached"; startedAt: number; alive: boolean };
  ready: boolean;
  processes: ReportedProcess[];
}

export function readProjectStatus(paths: ServicePaths): ProjectStatus {
  const status = readStatus(paths);
  const live = supervisorAlive(paths);
  const rec = live ?? readSupervisorRecord(paths);
  const supervisor = rec ? { pid: rec.pid, mode: rec.mode, startedAt: rec.startedAt, alive: live !== undefined } : undefined;
  const pidFiles = new Map(readPidRecords(paths).map((p) => [p.name, p.record]));
  if (live) {
    const processes = (status?.processes ?? []).map((p): ReportedProcess => {
      const r = pidFiles.get(p.name);
      if (p.pid !== undefined && r && r.pid === p.pid && !isSameProcess(r) && !groupIsOurs(r)) {
        const { pid: _pid, ...rest } = p;
        return { ...rest, state: "stopped", error: "its process is gone" };
      }
      return p;
    });
    return { state: "up", ...(supervisor ? { supervisor } : {}), ready: status?.ready === true, processes };
  }
  const names = [...new Set([...(status?.processes ?? []).map((p) => p.name), ...pidFiles.keys()])];
  const processes = names.map((name): ReportedProcess => {
    const known = status?.processes.find((p) => p.name === name) ?? { name, state: "stopped", restarts: 0 };
    const { pid: _pid, nextStartAt: _n, ...rest } = known;
    const r = pidFiles.get(name);
    if (r && groupIsOurs(r)) return { ...rest, state: "orphaned", pid: r.pid };
    if (pidFiles.has(name)) removePidRecord(paths, name);
    return { ...rest, state: known.state === "failed" ? "failed" : "stopped" };
  });
  const orphans = processes.some((p) => p.state === "orphaned");
  return { state: supervisor || orphans ? "stale" : "down", ...(supervisor ? { supervisor } : {}), ready: false, processes };
}

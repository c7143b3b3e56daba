/**
 * What a killed supervisor (kill -9, a reboot) left behind, seen from another process (`up`, `down`,
 * `ps`): its identity file, pid files, a status.json saying "ready". Only processes verified ours
 * (same start time, or same command line where there is no /proc) are ever signalled; a pid file
 * naming a pid that now belongs to someone else is just removed.
 */
import { rmSync } from "node:fs";
import { isSameProcess } from "./identity.js";
import type { ServicePaths } from "./paths.js";
import { readPidRecords, readStatus, readSupervisorRecord, removePidRecord, writeStatus, type SupervisorRecord } from "./status-file.js";
import { groupIsOurs, stopGroup } from "./stop.js";

/** The running supervisor of this project, if its identity file names a live process that is still it. */
export function supervisorAlive(paths: ServicePaths): SupervisorRecord | undefined {
  const rec = readSupervisorRecord(paths);
  return rec && Number.isInteger(rec.pid) && isSameProcess(rec) ? rec : undefined;
}

export interface StaleReport {
  /** Processes that were still running and were stopped. */
  stopped: string[];
  /** Pid files removed without signalling anything (the process was gone, or the pid is someone else's now). */
  removed: string[];
  /** A dead supervisor's identity file was there. */
  deadSupervisor: boolean;
}

/** With no live supervisor: stop what the dead one left running, remove its files, mark status stopped. */
export async function cleanStale(paths: ServicePaths): Promise<StaleReport> {
  if (supervisorAlive(paths)) return { stopped: [], removed: [], deadSupervisor: false };
  const deadSupervisor = readSupervisorRecord(paths) !== undefined;
  const report = { ...(await cleanLeftovers(paths)), deadSupervisor };
  rmSync(paths.supervisor, { force: true });
  return report;
}

/**
 * Stop what pid files name (verified ours), remove them, and mark status.json stopped. For a new
 * supervisor that has just claimed the project (so no other one runs), and for cleanStale.
 */
export async function cleanLeftovers(paths: ServicePaths): Promise<StaleReport> {
  const report: StaleReport = { stopped: [], removed: [], deadSupervisor: false };
  const records = readPidRecords(paths);
  // Reverse start order when status.json knows it; else as found.
  const order = (readStatus(paths)?.processes ?? []).map((p) => p.name);
  records.sort((a, b) => order.indexOf(b.name) - order.indexOf(a.name));
  for (const { name, record } of records) {
    if (record && groupIsOurs(record)) {
      await stopGroup(record.pgid, record.stop);
      report.stopped.push(name);
    } else {
      report.removed.push(name);
    }
    removePidRecord(paths, name);
  }
  const status = readStatus(paths);
  if (status && status.processes.some((p) => p.state !== "stopped")) {
    await writeStatus(paths, {
      ...status,
      ready: false,
      stopping: false,
      processes: status.processes.map(({ pid: _pid, nextStartAt: _n, ...p }) => ({ ...p, state: "stopped" })),
    });
  }
  return report;
}

/**
 * The supervisor's files, read by other processes (`devenv ps`, `down`, a new `up`): status.json,
 * the supervisor's identity, and one identity file per running child. Written atomically: a reader
 * sees the old or the new content, never a part.
 */
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { readIfExists, writeFileAtomic } from "../platform/fs.js";
import type { ServicePaths } from "./paths.js";
import { pidFile } from "./paths.js";
import type { ProcessIdentity, StopStep, SupervisorStatus } from "./types.js";

export interface SupervisorRecord extends ProcessIdentity {
  mode: "foreground" | "detached";
  startedAt: number;
}

/** A child's pid file: its identity and how to stop it, so a process left by a killed supervisor can be stopped as it would have been. */
export interface PidRecord extends ProcessIdentity {
  name: string;
  stop: StopStep[];
}

function readJson<T>(file: string): T | undefined {
  const text = readIfExists(file);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined; // a file cut short (a full disk): as good as none
  }
}

const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

export const readStatus = (paths: ServicePaths) => readJson<SupervisorStatus>(paths.status);
export const writeStatus = (paths: ServicePaths, s: SupervisorStatus) => writeFileAtomic(paths.status, json(s), { fsync: false });

export const readSupervisorRecord = (paths: ServicePaths) => readJson<SupervisorRecord>(paths.supervisor);
export const writeSupervisorRecord = (paths: ServicePaths, r: SupervisorRecord) => writeFileAtomic(paths.supervisor, json(r), { fsync: false });

export const writePidRecord = (paths: ServicePaths, r: PidRecord) => writeFileAtomic(pidFile(paths, r.name), json(r), { fsync: false });
export const removePidRecord = (paths: ServicePaths, name: string) => rmSync(pidFile(paths, name), { force: true });

/** Every pid file, by name (unreadable or cut-short ones as undefined, so they can be removed). */
export function readPidRecords(paths: ServicePaths): { name: string; record: PidRecord | undefined }[] {
  let names: string[];
  try {
    names = readdirSync(paths.pids).filter((n) => n.endsWith(".json") && !n.startsWith("."));
  } catch {
    return [];
  }
  return names.map((n) => {
    const name = n.slice(0, -".json".length);
    const r = readJson<PidRecord>(join(paths.pids, n));
    const ok = r && Number.isInteger(r.pid) && r.pid > 1 && Number.isInteger(r.pgid) && Array.isArray(r.argv);
    return { name, record: ok ? { ...r, name, stop: Array.isArray(r.stop) ? r.stop : [] } : undefined };
  });
}

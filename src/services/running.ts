/**
 * Is anything still running on a project's service data? Asked by `devenv gc` before it deletes a
 * `.services` dir. One function (servicesRunning) so the supervisor's own identity check can
 * replace it; until then: the supervisor in supervisor.json counts as running when its pid is
 * alive and its command line is devenv's or node's (or cannot be read), and a child in pids/*.json
 * when its pid is alive with the start time it was recorded with (or none to compare).
 * Conservative on purpose: taking a dead process for a live one only keeps data.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pidAlive } from "../platform/fs.js";
import { procStat } from "./identity.js";

export type RunningCheck =
  | { running: false }
  | { running: true; pid: number; what: string }
  /** A record that cannot be read or parsed: gc cannot tell, so it keeps the data. */
  | { running: "unknown"; reason: string };

interface PidRecord {
  pid: number;
  startTime?: number;
}

export function servicesRunning(servicesDir: string): RunningCheck {
  const sup = readPidRecord(join(servicesDir, "supervisor.json"));
  if (sup === "unreadable") return { running: "unknown", reason: `cannot read ${join(servicesDir, "supervisor.json")}` };
  if (sup && isLive(sup, (argv) => /devenv|node/.test(argv.join(" ")))) return { running: true, pid: sup.pid, what: "supervisor" };
  let names: string[] = [];
  try {
    names = readdirSync(join(servicesDir, "pids")).filter((n) => n.endsWith(".json")).sort();
  } catch {
    /* none */
  }
  for (const name of names) {
    const rec = readPidRecord(join(servicesDir, "pids", name));
    if (rec === "unreadable") return { running: "unknown", reason: `cannot read ${join(servicesDir, "pids", name)}` };
    if (rec && isLive(rec, (argv) => argv.length > 0)) return { running: true, pid: rec.pid, what: name.slice(0, -".json".length) };
  }
  return { running: false };
}

/** undefined: no file; "unreadable": a file that is not a pid record (gc cannot tell). */
function readPidRecord(file: string): PidRecord | undefined | "unreadable" {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ENOENT" ? undefined : "unreadable";
  }
  try {
    const rec = JSON.parse(text) as PidRecord;
    if (!Number.isInteger(rec?.pid) || rec.pid <= 0) return "unreadable";
    return { pid: rec.pid, ...(Number.isInteger(rec.startTime) ? { startTime: rec.startTime } : {}) };
  } catch {
    return "unreadable";
  }
}

/** Alive, not a reused pid (when the start time tells), and a command line `ours` accepts (an unreadable one is trusted). */
function isLive(rec: PidRecord, ours: (argv: string[]) => boolean): boolean {
  if (!pidAlive(rec.pid)) return false;
  if (process.platform !== "linux") return true;
  const started = procStat(rec.pid)?.startTime;
  if (rec.startTime !== undefined && started !== undefined && started !== rec.startTime) return false;
  let argv: string[];
  try {
    argv = readFileSync(`/proc/${rec.pid}/cmdline`, "utf8").split("\0").filter(Boolean);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== "ENOENT";
  }
  return ours(argv);
}

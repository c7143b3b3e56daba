/**
 * Who a pid is: its start time (Linux: field 22 of /proc/<pid>/stat, clock ticks since boot) and its
 * command line. A pid devenv recorded is only signalled when the live process still has the same
 * identity: a pid reused by another program, or a zombie, is not ours.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { pidAlive } from "../platform/fs.js";
import type { ProcessIdentity } from "./types.js";

export interface ProcStat {
  /** R, S, D, Z, T… */
  state: string;
  pgrp: number;
  startTime: number;
}

/** Fields of /proc/<pid>/stat (Linux); undefined when the process is gone. The name (field 2) may hold spaces and ')'. */
export function procStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
  // f[0] is field 3 (state): field n is f[n - 3].
  const startTime = Number(f[19]);
  const pgrp = Number(f[2]);
  if (!f[0] || !Number.isFinite(startTime) || !Number.isFinite(pgrp)) return undefined;
  return { state: f[0], pgrp, startTime };
}

function psLine(pid: number): { lstart: string; command: string } | undefined {
  const r = spawnSync("ps", ["-p", String(pid), "-o", "lstart=,command="], { encoding: "utf8", timeout: 2_000 });
  const line = r.status === 0 ? r.stdout.trim() : "";
  // lstart is fixed width: "Mon Dec  7 00:58:31 2026" (24 characters).
  return line ? { lstart: line.slice(0, 24), command: line.slice(24).trim() } : undefined;
}

/** The identity of a live process (pgid as the group it leads), or undefined when it is gone or a zombie. */
export function identify(pid: number): ProcessIdentity | undefined {
  if (!pidAlive(pid)) return undefined;
  if (process.platform === "linux") {
    const st = procStat(pid);
    if (!st || st.state === "Z") return undefined;
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    } catch {
      return undefined;
    }
    if (argv.at(-1) === "") argv.pop();
    return { pid, startTime: st.startTime, argv, pgid: st.pgrp };
  }
  const ps = psLine(pid);
  if (!ps || !ps.command || ps.command.includes("<defunct>")) return undefined;
  return { pid, argv: ps.command.split(/\s+/), pgid: pid };
}

/**
 * Is the process recorded in `recorded` still the one running under its pid? Alive, not a zombie,
 * and (Linux) the same start time, or (elsewhere) the same command line.
 */
export function isSameProcess(recorded: ProcessIdentity): boolean {
  const now = identify(recorded.pid);
  if (!now) return false;
  if (process.platform === "linux") return recorded.startTime !== undefined && now.startTime === recorded.startTime;
  return now.argv.join(" ") === recorded.argv.join(" ");
}

/**
 * A child's process group (it leads its own: pgid = its pid): signalled as a whole, so a shell's or a
 * server's own children stop with it. On Linux a group whose members are all zombies (nobody reaped
 * them yet) counts as gone.
 */
import { readdirSync } from "node:fs";
import { procStat } from "./identity.js";

/** Live (not zombie) members of a group (Linux: from /proc); elsewhere undefined (not known). */
export function groupMembers(pgid: number): { pid: number; startTime: number }[] | undefined {
  if (process.platform !== "linux") return undefined;
  const out: { pid: number; startTime: number }[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const st = procStat(Number(name));
    if (st && st.pgrp === pgid && st.state !== "Z") out.push({ pid: Number(name), startTime: st.startTime });
  }
  return out;
}

/** Is any live process left in the group? */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ESRCH") return false;
  }
  const members = groupMembers(pgid);
  return members === undefined || members.length > 0;
}

/** Signal the whole group; false when it is gone. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  if (!Number.isInteger(pgid) || pgid <= 1) return false;
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Wait until the group is gone, polling; true if it went within `ms` (or `signal` aborted: false). */
export async function waitGroupGone(pgid: number, ms: number, signal?: AbortSignal): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (!groupAlive(pgid)) return true;
    if (Date.now() >= deadline || signal?.aborted) return false;
    await new Promise((r) => setTimeout(r, Math.min(50, Math.max(1, deadline - Date.now()))));
  }
}

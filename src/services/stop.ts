/**
 * Stopping one process group: each stop step's signal to the whole group, waiting up to the step's
 * time for the group to be gone; then SIGKILL. The caller has checked that the group is ours.
 */
import { groupAlive, groupMembers, signalGroup, waitGroupGone } from "./group.js";
import { isSameProcess } from "./identity.js";
import type { ProcessIdentity, StopStep } from "./types.js";

/** How long to wait for a group to go after SIGKILL (it cannot refuse; this bounds a stuck D state). */
const KILL_WAIT_MS = 5_000;

export type StopOutcome = "gone" | "stopped" | "killed" | "stuck";

/** Stop a group: "gone" (nothing to stop), "stopped" (a step's signal ended it), "killed" (SIGKILL did), "stuck". */
export async function stopGroup(pgid: number, steps: readonly StopStep[]): Promise<StopOutcome> {
  if (!groupAlive(pgid)) return "gone";
  for (const step of steps) {
    if (!signalGroup(pgid, step.signal)) return "stopped";
    if (await waitGroupGone(pgid, step.waitMs)) return "stopped";
  }
  signalGroup(pgid, "SIGKILL");
  return (await waitGroupGone(pgid, KILL_WAIT_MS)) ? "killed" : "stuck";
}

/** The total time the steps may take, plus the wait after SIGKILL. */
export const stopBudgetMs = (steps: readonly StopStep[]) => steps.reduce((n, s) => n + s.waitMs, 0) + KILL_WAIT_MS;

/**
 * Is a recorded group still ours, seen from a process that did not start it? Its leader is alive
 * with the recorded identity; or the leader is gone but members of its group live on (a pid is not
 * reused while a group of that number exists), all started no earlier than the leader (Linux).
 */
export function groupIsOurs(recorded: ProcessIdentity): boolean {
  // Every child devenv starts leads its own group: a record saying otherwise is not one of ours,
  // and signalling its group could reach anything (the shell that ran devenv, say).
  if (recorded.pgid !== recorded.pid) return false;
  if (isSameProcess(recorded)) return true;
  if (recorded.startTime === undefined) return false;
  const members = groupMembers(recorded.pgid);
  if (!members || members.length === 0) return false;
  if (members.some((m) => m.pid === recorded.pid)) return false; // the pid is alive again, as someone else
  return members.every((m) => m.startTime >= recorded.startTime!);
}

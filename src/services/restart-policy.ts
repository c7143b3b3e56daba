/**
 * Whether and when an exited process runs again: pure, so the policy is tested without processes.
 * "always": after any exit; "on-failure": after a non-zero exit or a death by signal; "no": never.
 * Back-off doubles from `initialMs` up to `maxMs` for each quick crash in a row; a run that lasted
 * `resetAfterMs` starts the count again.
 */
import type { ProcessSpec } from "./types.js";

export interface Backoff {
  initialMs: number;
  maxMs: number;
  resetAfterMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { initialMs: 500, maxMs: 30_000, resetAfterMs: 10_000 };

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface RunHistory {
  /** Restarts in a row so far (each after a short run). */
  streak: number;
  /** When the run that just ended started (ms since the epoch). */
  startedAt: number;
}

export interface RestartDecision {
  restart: boolean;
  delayMs: number;
  /** The streak to remember for the next exit. */
  streak: number;
}

export const describeExit = (e: ExitInfo) => (e.signal ? `signal ${e.signal}` : `exit ${e.code ?? "?"}`);

export function nextRestart(policy: ProcessSpec["restart"], exit: ExitInfo, history: RunHistory, now: number, backoff: Backoff = DEFAULT_BACKOFF): RestartDecision {
  const failed = exit.signal !== null || exit.code !== 0;
  const restart = policy === "always" || (policy === "on-failure" && failed);
  const streak = now - history.startedAt >= backoff.resetAfterMs ? 0 : history.streak;
  if (!restart) return { restart: false, delayMs: 0, streak };
  const delayMs = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(streak, 30));
  return { restart: true, delayMs, streak: streak + 1 };
}

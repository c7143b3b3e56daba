/**
 * Pure: which store entries a gc removes and why the others stay. No I/O; the caller gathers the
 * facts (references, pins, install locks, last use) and carries the plan out.
 */
import { DevenvError } from "../../errors.js";

export type KeepReason = "locked" | "active" | "pinned" | "installing" | "recent" | "temporary";

/**
 * How long a plain `devenv gc` keeps an entry after `devenv x` / `devenv shell -p` last used it (no
 * project keeps it). `--older-than` replaces this grace: `--older-than 0d` frees such entries at once.
 */
export const TEMPORARY_GRACE_MS = 3_600_000;

export interface GcCandidate {
  /** Directory name. */
  name: string;
  hash: string;
  /** Last use (ms since epoch) if known. */
  lastUsed: number | undefined;
}

export interface GcFacts {
  entries: GcCandidate[];
  /** Entry name → projects whose devenv.lock references it. */
  byLock: ReadonlyMap<string, ReadonlySet<string>>;
  /** Entry name → projects whose cached activation points into it (shells may be using it). */
  byActivation: ReadonlyMap<string, ReadonlySet<string>>;
  /** Entry names pinned by processes installing or activating now. */
  pinned: ReadonlySet<string>;
  /** Hashes of entries whose install lock is held. */
  installing: ReadonlySet<string>;
  now: number;
  /** Keep unreferenced entries used within this many ms. */
  olderThanMs?: number | undefined;
  /** Hash → last use by `devenv x` / `devenv shell -p`: kept for TEMPORARY_GRACE_MS when olderThanMs is not given. */
  temporary?: ReadonlyMap<string, number>;
}

export interface GcPlan {
  remove: GcCandidate[];
  keep: Array<GcCandidate & { reason: KeepReason }>;
}

export function planGc(f: GcFacts): GcPlan {
  const plan: GcPlan = { remove: [], keep: [] };
  for (const e of f.entries) {
    const reason: KeepReason | undefined = f.byLock.has(e.name)
      ? "locked"
      : f.byActivation.has(e.name)
        ? "active"
        : f.pinned.has(e.name)
          ? "pinned"
          : f.installing.has(e.hash)
            ? "installing"
            : f.olderThanMs !== undefined && e.lastUsed !== undefined && f.now - e.lastUsed < f.olderThanMs
              ? "recent"
              : f.olderThanMs === undefined && f.now - (f.temporary?.get(e.hash) ?? -Infinity) < TEMPORARY_GRACE_MS
                ? "temporary"
                : undefined;
    if (reason) plan.keep.push({ ...e, reason });
    else plan.remove.push(e);
  }
  return plan;
}

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/** "30d", "12h", "2w", "90m", "45s" → milliseconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([smhdw])$/.exec(text.trim());
  if (!m) {
    throw new DevenvError("USAGE", `--older-than: '${text}' is not a duration`, {
      hint: "Use a number and a unit: 30d (days), 12h (hours), 2w (weeks), 90m (minutes), 45s (seconds).",
    });
  }
  return Number(m[1]) * UNITS[m[2]!]!;
}

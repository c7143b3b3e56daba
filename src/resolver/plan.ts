import type { ToolRequest } from "../config/normalise.js";
import { sortKeys } from "../lock/format.js";
import type { LockEntry, LockFile } from "../lock/types.js";
import type { PlatformKey } from "../recipes/types.js";
import { rangeAllows } from "./range.js";

export const sourceOf = (req: ToolRequest) => req.source ?? (req.inline ? "inline" : `registry:${req.name}`);

/**
 * A request edited in devenv.ts whose locked version it still allows (`20.17.0` widened to `20`): the
 * lock keeps that version, as npm, cargo and pixi do; only `devenv update` (or `add`, which names the
 * tool) moves it. "lts" is resolved against the release list, so a change to or from it resolves again.
 */
function stillSatisfies(req: ToolRequest, entry: LockEntry): boolean {
  if (req.inline || req.range === "lts" || entry.request === "lts") return false;
  return rangeAllows(req.range, entry.version);
}

/** Why a lock entry does not satisfy a request, or undefined if it does. */
export function entryMismatch(req: ToolRequest, entry: LockEntry | undefined): string | undefined {
  if (!entry) return `${req.name} is in devenv.ts but not in devenv.lock`;
  if (entry.request !== req.range && !stillSatisfies(req, entry)) {
    return `${req.name}: devenv.ts asks for '${req.range}', devenv.lock was made for '${entry.request}'`;
  }
  if (entry.source !== sourceOf(req)) return `${req.name}: source changed from ${entry.source} to ${sourceOf(req)}`;
  if (JSON.stringify(sortKeys(entry.options ?? {})) !== JSON.stringify(sortKeys(req.options))) return `${req.name}: options changed`;
  if (!req.inline && req.range !== "lts" && !rangeAllows(req.range, entry.version)) {
    return `${req.name}: locked ${entry.version} does not satisfy '${req.range}'`;
  }
  return undefined;
}

/**
 * Why a lock entry that still satisfies its request must be locked again at its version, or
 * undefined: made with an older revision of the recipe (another layout in the store), it is not
 * trusted as it is. A newer revision is refused (check-entry.ts): a newer devenv wrote it.
 */
export function entryOutdated(req: ToolRequest, entry: LockEntry, revision: number): string | undefined {
  if (entry.recipeRevision < revision) {
    return `${req.name}: devenv.lock was made with revision ${entry.recipeRevision} of the ${req.name} recipe, this devenv has revision ${revision}`;
  }
  return undefined;
}

export interface LockPlan {
  /**
   * Entries kept (maybe needing extra platforms); with `relock`, kept at their version but with
   * every platform's artifact taken afresh from the recipe (the reason says why).
   */
  keep: Array<{ req: ToolRequest; entry: LockEntry; missing: PlatformKey[]; relock?: string }>;
  /** Requests to resolve afresh. */
  resolve: Array<{ req: ToolRequest; reason: string }>;
  /** Lock entries no longer in devenv.ts. */
  drop: string[];
}

/**
 * Decide, without I/O, what to do with each tool: keep its lock entry, resolve it again,
 * or drop it. `update` forces re-resolution of the named tools (or all of them with "all").
 */
export function planLock(
  requests: readonly ToolRequest[],
  lock: LockFile,
  platforms: readonly PlatformKey[],
  update: ReadonlySet<string> | "all" = new Set(),
  /** The platforms a tool is published for (its recipe's); others are never "missing". Default: all. */
  published: (name: string) => readonly PlatformKey[] = () => platforms,
  /** Its recipe's revision (default: whatever the lock says). */
  revision: (name: string) => number | undefined = () => undefined,
): LockPlan {
  const plan: LockPlan = { keep: [], resolve: [], drop: [] };
  for (const req of requests) {
    const entry = lock.tools[req.name];
    const forced = update === "all" || update.has(req.name);
    const why = forced ? `${req.name}: update requested` : entryMismatch(req, entry);
    if (why || !entry) plan.resolve.push({ req, reason: why ?? "" });
    else {
      const has = published(req.name);
      const rev = revision(req.name);
      const relock = rev === undefined ? undefined : entryOutdated(req, entry, rev);
      plan.keep.push({ req, entry, missing: platforms.filter((p) => !entry.platforms[p] && has.includes(p)), ...(relock ? { relock } : {}) });
    }
  }
  const wanted = new Set(requests.map((r) => r.name));
  plan.drop = Object.keys(lock.tools).filter((n) => !wanted.has(n)).sort();
  return plan;
}

/** Reasons devenv.lock does not satisfy devenv.ts (empty when it does). */
export function frozenProblems(plan: LockPlan): string[] {
  return [
    ...plan.resolve.map((r) => r.reason),
    ...plan.keep.flatMap((k) => (k.relock ? [k.relock] : [])),
    ...plan.keep.filter((k) => k.missing.length).map((k) => `${k.req.name}: devenv.lock has no entry for ${k.missing.join(", ")}`),
    ...plan.drop.map((n) => `${n} is in devenv.lock but no longer in devenv.ts`),
  ];
}

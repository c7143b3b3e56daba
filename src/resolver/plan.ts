import type { ToolRequest } from "../config/normalise.js";
import { sortKeys } from "../lock/format.js";
import type { LockEntry, LockFile } from "../lock/types.js";
import type { PlatformKey } from "../registry/types.js";
import { rangeAllows } from "./range.js";

export const sourceOf = (req: ToolRequest) => (req.inline ? "inline" : `registry:${req.name}`);

/** Why a lock entry does not satisfy a request, or undefined if it does. */
export function entryMismatch(req: ToolRequest, entry: LockEntry | undefined): string | undefined {
  if (!entry) return `${req.name} is in devenv.ts but not in devenv.lock`;
  if (entry.request !== req.range) return `${req.name}: devenv.ts asks for '${req.range}', devenv.lock was made for '${entry.request}'`;
  if (entry.source !== sourceOf(req)) return `${req.name}: source changed from ${entry.source} to ${sourceOf(req)}`;
  if (JSON.stringify(sortKeys(entry.options ?? {})) !== JSON.stringify(sortKeys(req.options))) return `${req.name}: options changed`;
  if (!req.inline && req.range !== "lts" && !rangeAllows(req.range, entry.version)) {
    return `${req.name}: locked ${entry.version} does not satisfy '${req.range}'`;
  }
  return undefined;
}

export interface LockPlan {
  /** Entries kept as they are (maybe needing extra platforms). */
  keep: Array<{ req: ToolRequest; entry: LockEntry; missing: PlatformKey[] }>;
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
): LockPlan {
  const plan: LockPlan = { keep: [], resolve: [], drop: [] };
  for (const req of requests) {
    const entry = lock.tools[req.name];
    const forced = update === "all" || update.has(req.name);
    const why = forced ? `${req.name}: update requested` : entryMismatch(req, entry);
    if (why || !entry) plan.resolve.push({ req, reason: why ?? "" });
    else {
      const has = published(req.name);
      plan.keep.push({ req, entry, missing: platforms.filter((p) => !entry.platforms[p] && has.includes(p)) });
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
    ...plan.keep.filter((k) => k.missing.length).map((k) => `${k.req.name}: devenv.lock has no entry for ${k.missing.join(", ")}`),
    ...plan.drop.map((n) => `${n} is in devenv.lock but no longer in devenv.ts`),
  ];
}

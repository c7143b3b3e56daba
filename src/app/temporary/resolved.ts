/**
 * What `devenv x node@20` resolved to (the lock entry devenv.lock would hold), kept in devenv's cache
 * dir, never in a project: running it again while the version lists are fresh (DEVENV_VERSIONS_TTL,
 * an hour by default), or offline at any age, looks nothing up. An entry read back passes the same
 * checks as one from a devenv.lock (lockProject keeps it only if it matches the request and recipe).
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import type { ToolRequest } from "../../config/normalise.js";
import { parseLock, serializeLock, sortKeys } from "../../lock/format.js";
import { LOCK_VERSION, type LockEntry } from "../../lock/types.js";
import { readIfExistsAsync, writeFileAtomic } from "../../platform/fs.js";
import type { AppContext } from "../context.js";

const fileOf = (ctx: AppContext, req: ToolRequest) => {
  const key = { name: req.name, range: req.range, options: req.options, catalog: req.catalog ?? false, registries: req.registries ?? [], platform: ctx.platform };
  return join(ctx.dirs.cache, "resolved", `${createHash("sha256").update(JSON.stringify(sortKeys(key))).digest("hex").slice(0, 32)}.json`);
};

/** The cached resolution of `req`, if fresh enough (or offline); a torn or foreign file counts as none. */
export async function readResolved(ctx: AppContext, req: ToolRequest, now = Date.now()): Promise<LockEntry | undefined> {
  const file = fileOf(ctx, req);
  const text = await readIfExistsAsync(file).catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const { resolvedAt, lock } = JSON.parse(text) as { resolvedAt: unknown; lock: unknown };
    if (typeof resolvedAt !== "number" || (!ctx.offline && now - resolvedAt >= ctx.versionsTtl * 1000)) return undefined;
    return parseLock(JSON.stringify(lock), file).tools[req.name];
  } catch {
    return undefined;
  }
}

/** Best effort: a cache dir that cannot be written costs the next run a look-up, never this one. */
export async function writeResolved(ctx: AppContext, req: ToolRequest, entry: LockEntry, now = Date.now()): Promise<void> {
  const lock = JSON.parse(serializeLock({ lockVersion: LOCK_VERSION, tools: { [req.name]: entry } })) as unknown;
  await writeFileAtomic(fileOf(ctx, req), JSON.stringify({ resolvedAt: now, lock }), { fsync: false }).catch(() => undefined);
}

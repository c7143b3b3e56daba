import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { DevenvError } from "../../errors.js";
import { sortKeys } from "../../lock/format.js";
import { writeFileAtomic } from "../../platform/fs.js";
import type { Recipe, ToolOptions, VersionInfo, VersionQuery } from "../../recipes/types.js";
import type { AppContext } from "../context.js";

interface CachedList {
  fetchedAt: number;
  versions: VersionInfo[];
}

/**
 * A recipe's version list, from the cache while it is younger than the TTL (or always when offline).
 * With `query` (a lock resolving one request), a recipe that can stop early lists only what answers
 * it; that partial list is not cached.
 */
export async function listVersions(ctx: AppContext, recipe: Recipe, options: ToolOptions, inline: boolean, query?: VersionQuery): Promise<VersionInfo[]> {
  if (inline) return recipe.versions({ http: ctx.http }, options);
  // Options can change where versions come from (node's `from: "npm"`): one cache per option set.
  const opts = Object.keys(options).length ? `-${createHash("sha256").update(JSON.stringify(sortKeys(options))).digest("hex").slice(0, 12)}` : "";
  const file = join(ctx.dirs.cache, "versions", `${recipe.name}${opts}.json`);
  const cached = await readFile(file, "utf8").then((t) => JSON.parse(t) as CachedList).catch(() => undefined);
  const fresh = cached && Date.now() - cached.fetchedAt < ctx.versionsTtl * 1000;
  if (cached && (fresh || ctx.offline)) return cached.versions;
  if (ctx.offline) {
    throw new DevenvError("OFFLINE", `offline: no cached version list for ${recipe.name}`, {
      hint: "Run once online, or keep an exact version in devenv.lock (installing from the lock needs no list).",
    });
  }
  if (query && recipe.versionsStopEarly) return recipe.versions({ http: ctx.http, query }, options);
  const versions = await recipe.versions({ http: ctx.http }, options);
  await writeFileAtomic(file, JSON.stringify({ fetchedAt: Date.now(), versions } satisfies CachedList), { fsync: false });
  return versions;
}

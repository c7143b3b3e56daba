import { createHash } from "node:crypto";
import { join } from "node:path";
import { DevenvError } from "../../errors.js";
import { sortKeys } from "../../lock/format.js";
import { readIfExistsAsync, writeFileAtomic } from "../../platform/fs.js";
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
  const file = join(ctx.dirs.cache, "versions", `${recipe.versionsKey ?? recipe.name}${opts}.json`);
  const text = await readIfExistsAsync(file, { what: "the cached version list", hint: `Remove it (rm -rf '${file}'): devenv fetches the list again.` });
  const cached = text === undefined ? undefined : parseCached(text);
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

/** A cache that does not parse (torn by a crash, another version's format) is fetched again. */
function parseCached(text: string): CachedList | undefined {
  try {
    const c = JSON.parse(text) as CachedList;
    return typeof c?.fetchedAt === "number" && Array.isArray(c.versions) ? c : undefined;
  } catch {
    return undefined;
  }
}

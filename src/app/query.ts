import { existsSync } from "node:fs";
import { join } from "node:path";
import type { ProjectConfig } from "../config/normalise.js";
import type { LockFile } from "../lock/types.js";
import { allRecipes, loadRecipe } from "../registry/index.js";
import { sortVersions } from "../resolver/range.js";
import { lacking, pickOnPlatforms } from "../resolver/platform-pick.js";
import type { PlatformKey, VersionInfo } from "../registry/types.js";
import { findInstalled } from "../store/install.js";
import type { AppContext } from "./context.js";
import { projectTools } from "./install.js";
import { checkLockEntry } from "../resolver/check-entry.js";
import { canonicalRequest, lockPlatforms, staleReason } from "./lock.js";
import { recipeFor } from "./project.js";
import { listVersions } from "./versions.js";

export interface ListRow {
  name: string;
  request: string;
  locked: string | null;
  installed: boolean;
  dir: string | null;
}

export async function listProject(ctx: AppContext, project: ProjectConfig, lock: LockFile): Promise<ListRow[]> {
  const rows: ListRow[] = [];
  for (const req of project.tools) {
    const entry = lock.tools[req.name];
    let dir: string | null = null;
    // A stale entry (devenv.ts changed since it was locked) is listed but not looked up in the store.
    if (entry?.platforms[ctx.platform] && !staleReason(req, await recipeFor(req), entry)) {
      const [t] = await projectTools(ctx, { ...project, tools: [req] }, lock);
      dir = t ? findInstalled(ctx.dirs.store, t.spec)?.dir ?? null : null;
    }
    rows.push({ name: req.name, request: req.range, locked: entry?.version ?? null, installed: dir !== null, dir });
  }
  return rows;
}

export interface OutdatedRow {
  name: string;
  request: string;
  locked: string | null;
  /** Newest version the range allows. */
  wanted: string | null;
  /** Newest stable version. */
  latest: string | null;
}

export async function outdated(ctx: AppContext, project: ProjectConfig, lock: LockFile): Promise<OutdatedRow[]> {
  const platforms = lockPlatforms(ctx, project);
  return Promise.all(project.tools.map(async (req) => {
    const recipe = await recipeFor(req);
    // The locked version is shown only from an entry that passes the checks every install makes.
    const entry = lock.tools[req.name];
    if (entry && !staleReason(req, recipe, entry)) checkLockEntry(canonicalRequest(req, recipe), recipe, entry);
    const versions = await listVersions(ctx, recipe, req.options, req.inline);
    // What `devenv update` would lock: the newest with a build for every locked platform, as far as
    // the version list says (a version it says nothing about counts as having them; the lock tries).
    const wanted = platforms.filter((p) => recipe.platforms.includes(p));
    const pick = (range: string) => {
      const r = pickOnPlatforms(range, versions, wanted);
      return (r.picked ?? r.probe)?.version ?? null;
    };
    return {
      name: req.name,
      request: req.range,
      locked: lock.tools[req.name]?.version ?? null,
      wanted: pick(req.range),
      latest: pick("latest"),
    };
  }));
}

/** A published version and the platforms of the recipe it has no build for (when the version list says). */
export interface VersionRow extends VersionInfo {
  missing?: PlatformKey[];
}

export async function toolVersions(ctx: AppContext, name: string): Promise<VersionRow[]> {
  const recipe = await loadRecipe(name);
  return sortVersions(await listVersions(ctx, recipe, {}, false)).map((v) => {
    const missing = lacking(v, recipe.platforms);
    return missing?.length ? { ...v, missing } : v;
  });
}

export async function searchRegistry(text: string): Promise<Array<{ name: string; description: string; homepage: string }>> {
  const q = text.toLowerCase();
  return (await allRecipes())
    .filter((r) => !q || r.name.includes(q) || r.description.toLowerCase().includes(q))
    .map((r) => ({ name: r.name, description: r.description, homepage: r.homepage }));
}

/** The first PATH dir of the activated project holding `bin`. */
export function whichBin(pathDirs: readonly string[], bin: string): string | undefined {
  for (const dir of pathDirs) {
    const p = join(dir, bin);
    if (existsSync(p)) return p;
  }
  return undefined;
}

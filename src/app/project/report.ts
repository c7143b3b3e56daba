/** What `devenv list` and `devenv outdated` show of a project: its tools as locked and installed, and newer versions. */
import type { ProjectConfig } from "../../config/normalise.js";
import type { LockFile } from "../../lock/types.js";
import { pickOnPlatforms } from "../../resolver/platform-pick.js";
import { checkLockEntry } from "../../resolver/check-entry.js";
import { findInstalled } from "../../store/install.js";
import type { AppContext } from "../context.js";
import { projectTools } from "./install.js";
import { canonicalRequest, lockPlatforms, staleReason } from "./lock.js";
import { recipeFor } from "./load.js";
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
    if (entry?.platforms[ctx.platform] && !staleReason(req, await recipeFor(ctx, req, entry), entry)) {
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
    const entry = lock.tools[req.name];
    const recipe = await recipeFor(ctx, req, entry);
    // The locked version is shown only from an entry that passes the checks every install makes.
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

import type { ProjectConfig } from "../../config/normalise.js";
import { join } from "node:path";
import { CONFIG_FILE } from "../../config/find.js";
import { checkEnvPlan } from "../../env/limits.js";
import { planEnv, type EnvPlan } from "../../env/plan.js";
import { execLimits } from "../../platform/exec-limits.js";
import { showPath } from "../../text.js";
import type { LockFile } from "../../lock/types.js";
import type { InstalledTool } from "../../store/install.js";
import type { AppContext } from "../context.js";
import { toolEnvOps, type ProjectTool } from "../project/install.js";
import { projectStateDir } from "../../state/projects.js";
import { projectServicesEnv } from "../../services/env.js";
import { realRoot } from "../project/trust.js";
import type { FirstDownloadValue } from "../project/first-download.js";
import { requireRoot } from "../project/load.js";
import { syncProject, type SyncOptions, type SyncResult } from "../project/sync.js";

export interface PreparedProject {
  project: ProjectConfig;
  lock: LockFile;
  installed: InstalledTool[];
  plan: EnvPlan;
  lockWritten: boolean;
  /** The lock's checksums trusted on first download (install prints them). */
  firstDownload: FirstDownloadValue[];
  /** The cache installs asked first (install prints what it served). */
  cache?: SyncResult["cache"];
}

/**
 * The common path of install/exec/env/shell: the project pipeline (syncProject: lock, install what
 * is missing under a gc pin, record the project as a gc root; `frozen` checks the lock instead of
 * writing it), then the environment plan.
 */
export async function prepareProject(ctx: AppContext, opts: { frozen?: boolean } & Pick<SyncOptions, "strict" | "trustFirstDownload" | "stamp" | "cache"> = {}): Promise<PreparedProject> {
  const { frozen, ...rest } = opts;
  const synced = await syncProject(ctx, requireRoot(ctx), { ...rest, lock: frozen ? "frozen" : "write", install: true });
  const { project, tools, installed } = synced;
  const plan = planProjectEnv(ctx, project, tools, installed);
  return { project, lock: synced.lock.lock, installed, plan, lockWritten: synced.lockWritten, firstDownload: synced.lock.firstDownload, ...(synced.cache ? { cache: synced.cache } : {}) };
}

/**
 * The environment plan of a project whose tools are installed (the hook and the CLI share it).
 * Throws ENV_INVALID for a plan no program could start with (see checkEnvPlan).
 */
export function planProjectEnv(ctx: AppContext, project: ProjectConfig, tools: ProjectTool[], installed: InstalledTool[]): EnvPlan {
  const real = realRoot(project.root);
  const plan = planEnv(
    tools.map((t, i) => ({
      name: t.req.name,
      dir: installed[i]!.dir,
      bin: installed[i]!.receipt.bin,
      ops: toolEnvOps(ctx, t),
      stateDir: projectStateDir(ctx.dirs.state, real, t.req.name),
    })),
    // Services first: an env entry of devenv.ts with the same name (DATABASE_URL, …) wins.
    { ...projectServicesEnv(ctx.dirs.state, real, project.services, ctx.env), ...project.env },
    project.root,
  );
  const file = showPath(join(project.root, CONFIG_FILE));
  checkEnvPlan(plan, ctx.env, execLimits(), (name) => (name in project.env ? `${file}: env.${name}` : `${name} (set by a tool of ${file})`));
  return plan;
}

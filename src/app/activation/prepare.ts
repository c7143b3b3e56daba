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
import { projectTools, toolEnvOps, type ProjectTool } from "../project/install.js";
import { installPinned } from "../project/install-pinned.js";
import { projectStateDir } from "../../state/projects.js";
import { realRoot } from "../project/trust.js";
import { lockProject, type LockOptions } from "../project/lock.js";
import type { FirstDownloadValue } from "../project/first-download.js";
import { loadProject, readLock, writeLock } from "../project/load.js";

export interface PreparedProject {
  project: ProjectConfig;
  lock: LockFile;
  installed: InstalledTool[];
  plan: EnvPlan;
  lockWritten: boolean;
  /** The lock's checksums trusted on first download (install prints them). */
  firstDownload: FirstDownloadValue[];
}

/**
 * The common path of install/exec/env/shell: load devenv.ts, bring the lock up to date (or
 * check it with `frozen`), install what is missing, and plan the environment.
 */
export async function prepareProject(ctx: AppContext, opts: { frozen?: boolean } & Pick<LockOptions, "strict" | "trustFirstDownload"> = {}): Promise<PreparedProject> {
  const project = await loadProject(ctx);
  const { lock: current, text } = await readLock(project.root);
  const { lock, firstDownload } = await lockProject(ctx, project, current, { ...opts, frozen: opts.frozen ?? false });
  const lockWritten = opts.frozen ? false : await writeLock(project.root, lock, text);
  const tools = await projectTools(ctx, project, lock);
  const installed = await installPinned(ctx, project.root, lock, tools);
  const plan = planProjectEnv(ctx, project, tools, installed);
  return { project, lock, installed, plan, lockWritten, firstDownload };
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
    project.env,
    project.root,
  );
  const file = showPath(join(project.root, CONFIG_FILE));
  checkEnvPlan(plan, ctx.env, execLimits(), (name) => (name in project.env ? `${file}: env.${name}` : `${name} (set by a tool of ${file})`));
  return plan;
}

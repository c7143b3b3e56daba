import { dirname, join, resolve } from "node:path";
import { CONFIG_FILE, LOCK_FILE, projectRoots } from "../../config/find.js";
import { envDiff } from "../../env/plan.js";
import { stampFile } from "../../state/trust.js";
import type { AppContext } from "../context.js";
import { chainEnv, prepareChain, withoutHookChanges } from "./chain.js";
import type { PreparedProject } from "./prepare.js";

export interface EnvHere {
  layers: PreparedProject[];
  /** What the layers change in `env` with the hooks' changes undone (undefined: unset). */
  diff: Record<string, string | undefined>;
}

/**
 * The environment the hook would give here (enclosing layers too, prepared: locked, installed),
 * compared with `env` without any project applied, so a shell whose hook already applied it gets
 * the same answer as one without the hook. `devenv env` and `devenv direnv` print it.
 */
export async function envHere(ctx: AppContext, env: NodeJS.ProcessEnv = ctx.env): Promise<EnvHere> {
  const base = withoutHookChanges(env);
  const layers = await prepareChain(ctx);
  return { layers, diff: envDiff(base, chainEnv(layers, base)) };
}

/**
 * The files a change of which can change that environment (what direnv is told to watch): a
 * devenv.ts in this directory or any above it (one may appear), the user-wide devenv.ts and
 * devenv.lock (`devenv add -g`; also while there is none), each project's devenv.lock, every
 * file each layer's config was compiled from (imports, a layer outside the tree), and the stamp
 * that allow, deny and installs touch. Without `layers` (preparing failed): what can be known
 * without evaluating anything, so a fix or an allow is still noticed.
 */
export function watchedFiles(ctx: AppContext, layers: readonly PreparedProject[] = []): string[] {
  const files: string[] = [];
  for (let dir = resolve(ctx.cwd); ; dir = dirname(dir)) {
    files.push(join(dir, CONFIG_FILE));
    if (dirname(dir) === dir) break;
  }
  // The user-wide project, there or not: the hook's prompt test looks at it the same way.
  files.push(join(resolve(ctx.dirs.global), CONFIG_FILE), join(resolve(ctx.dirs.global), LOCK_FILE));
  for (const root of projectRoots(ctx.cwd)) files.push(join(root, LOCK_FILE));
  for (const l of layers) files.push(...l.project.inputs, join(l.project.root, LOCK_FILE));
  files.push(stampFile(ctx.dirs.state));
  return [...new Set(files)];
}

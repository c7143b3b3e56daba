import { findProjectRoot, layerRoots } from "../../config/find.js";
import { applyPlan } from "../../env/plan.js";
import { parseState } from "../../shell/state.js";
import { undoLayers } from "../../shell/state-undo.js";
import { readHookValue } from "../../state/hook-values.js";
import { showPath } from "../../text.js";
import { prepareProject, type PreparedProject } from "./prepare.js";
import type { AppContext } from "../context.js";
import { requireRoot } from "../project/load.js";
import { configTrust, notAllowedMessage, userWideAllowDir } from "../project/trust.js";

/**
 * The layers the shell hook would apply here, prepared (locked and installed): the user-wide project
 * (`devenv add -g`) first, then enclosing projects, the nearest last. With no project here the
 * user-wide one alone is the chain (none either: CONFIG_NOT_FOUND, or with `optional` no layers:
 * `devenv x`, `devenv shell -p`). The nearest must be allowed (else NOT_ALLOWED); an outer layer that
 * is not allowed is skipped with a warning, as the hook skips it.
 */
export async function prepareChain(ctx: AppContext, opts: { optional?: boolean } = {}): Promise<PreparedProject[]> {
  const roots = layerRoots(ctx.dirs.global, findProjectRoot(ctx.cwd));
  const nearest = roots.at(-1) ?? (opts.optional ? undefined : requireRoot(ctx));
  if (!nearest) return [];
  const layers: PreparedProject[] = [];
  for (const root of roots) {
    if (root !== nearest) {
      const { state, detail } = await configTrust(ctx, root);
      if (state !== "allowed") {
        ctx.reporter.warn(notAllowedMessage(showPath(root), state, detail, userWideAllowDir(ctx, root)).replace(/^devenv: /, ""));
        continue;
      }
    }
    layers.push(await prepareProject({ ...ctx, cwd: root }));
  }
  return layers;
}

/** `base` with every layer applied in order, as the hooks apply them. */
export function chainEnv(layers: readonly PreparedProject[], base: NodeJS.ProcessEnv): Record<string, string> {
  let env: Record<string, string | undefined> = base;
  for (const l of layers) env = applyPlan(l.plan, env);
  return env as Record<string, string>;
}

/** PATH dirs of all layers, innermost first (the order they end up on PATH). */
export const chainPath = (layers: readonly PreparedProject[]) => layers.toReversed().flatMap((l) => l.plan.path);

/**
 * `env` as it was before the shell hooks applied the projects DEVENV_STATE records (none: `env`
 * itself), so that what a project sets can be told from a shell its hook already set it in.
 */
export const withoutHookChanges = (env: NodeJS.ProcessEnv): Record<string, string> => undoLayers(env, parseState(env.DEVENV_STATE), readHookValue);

import { findProjectRoot, projectRoots } from "../../config/find.js";
import { applyPlan } from "../../env/plan.js";
import { parseState } from "../../shell/state.js";
import { undoLayers } from "../../shell/state-undo.js";
import { readHookValue } from "../../state/hook-values.js";
import { showPath } from "../../text.js";
import { prepareProject, type PreparedProject } from "./prepare.js";
import type { AppContext } from "../context.js";
import { requireRoot } from "../project/load.js";
import { configTrust, notAllowedMessage } from "../project/trust.js";

/**
 * The layers the shell hook would apply here, prepared (locked and installed): enclosing projects
 * first, the nearest last. The nearest must be allowed (else NOT_ALLOWED); an enclosing project that
 * is not allowed is skipped with a warning, as the hook skips it. `optional`: no project here is not
 * an error but no layers (`devenv x`, `devenv shell -p`).
 */
export async function prepareChain(ctx: AppContext, opts: { optional?: boolean } = {}): Promise<PreparedProject[]> {
  const nearest = opts.optional ? findProjectRoot(ctx.cwd) : requireRoot(ctx);
  if (!nearest) return [];
  const layers: PreparedProject[] = [];
  for (const root of projectRoots(nearest)) {
    if (root !== nearest) {
      const { state, detail } = await configTrust(ctx, root);
      if (state !== "allowed") {
        ctx.reporter.warn(notAllowedMessage(showPath(root), state, detail).replace(/^devenv: /, ""));
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

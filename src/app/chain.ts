import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CONFIG_FILE, projectRoots } from "../config/find.js";
import { applyPlan } from "../env/plan.js";
import { showPath } from "../text.js";
import { prepareProject, type PreparedProject } from "./activate.js";
import type { AppContext } from "./context.js";
import { requireRoot } from "./project.js";
import { notAllowedMessage, trustState } from "./trust.js";

/**
 * The layers the shell hook would apply here, prepared (locked and installed): enclosing projects
 * first, the nearest last. The nearest must be allowed (else NOT_ALLOWED); an enclosing project that
 * is not allowed is skipped with a warning, as the hook skips it.
 */
export async function prepareChain(ctx: AppContext): Promise<PreparedProject[]> {
  const nearest = requireRoot(ctx);
  const layers: PreparedProject[] = [];
  for (const root of projectRoots(nearest)) {
    if (root !== nearest) {
      const state = trustState(ctx, root, readFileSync(join(root, CONFIG_FILE), "utf8"));
      if (state !== "allowed") {
        ctx.reporter.warn(notAllowedMessage(showPath(root), state).replace(/^devenv: /, ""));
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

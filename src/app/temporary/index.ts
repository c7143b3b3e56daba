/**
 * Temporary tools: `devenv x <tool@range>… -- cmd` and `devenv shell -p <tool@range>…`. The tools are
 * resolved (resolve.ts), verified and installed into the store like any other, and put on top of the
 * project chain here (if any): their PATH dirs first, their variables over the projects'. No project
 * keeps them: the store entries are pinned while the command runs, stamped as used (so `gc
 * --older-than` keeps them for that long) and as temporarily used (a plain `gc` keeps them for
 * TEMPORARY_GRACE_MS), and never recorded as a gc root.
 */
import { basename, join } from "node:path";
import { checkEnvPlan } from "../../env/limits.js";
import { applyOnTop } from "../../env/on-top.js";
import { planEnv, type EnvPlan } from "../../env/plan.js";
import { execLimits } from "../../platform/exec-limits.js";
import { projectStateDir } from "../../state/projects.js";
import { touchTemporaryUse } from "../../store/usage.js";
import { chainEnv, chainPath, prepareChain, type PreparedProject } from "../activation/index.js";
import { installSource } from "../cache/source.js";
import type { AppContext } from "../context.js";
import { pinSpecs } from "../gc/references.js";
import type { ToolArg } from "../project/edit.js";
import { installTools, toolEnvOps } from "../project/install.js";
import { realRoot } from "../project/trust.js";
import { resolveTemporary } from "./resolve.js";

export interface TemporaryEnv {
  /** The project chain here (empty outside any project). */
  layers: PreparedProject[];
  /** The named tools as resolved. */
  tools: Array<{ name: string; version: string }>;
  plan: EnvPlan;
  /** The environment to run the command in. */
  env: Record<string, string>;
  /** PATH dirs that `which` looks in first: the named tools', then the chain's. */
  path: string[];
  /** Call once the command has ended: stamps the last use (the grace starts then) and drops the gc pin. */
  done(): Promise<void>;
}

/**
 * Exported to the command: the named tools' PATH dirs (then those of an enclosing `devenv x` / `shell
 * -p`). A hook loaded in a shell started there puts them back at the front of PATH after each switch,
 * so entering or leaving a project inside `devenv shell -p` neither buries nor removes them.
 */
export const TOP_DIRS = "DEVENV_TOP_DIRS";

const topDirs = (plan: EnvPlan, base: NodeJS.ProcessEnv) =>
  [...new Set([...plan.path, ...(base[TOP_DIRS] ?? "").split(":")])].filter(Boolean).join(":");

export async function prepareTemporary(ctx: AppContext, args: readonly ToolArg[], base: NodeJS.ProcessEnv): Promise<TemporaryEnv> {
  const layers = await prepareChain(ctx, { optional: true });
  const near = layers.at(-1)?.project;
  const { project, tools } = await resolveTemporary(ctx, args, near);
  // Held for the life of the command: a gc meanwhile keeps these entries (reason "pinned").
  const pin = await pinSpecs(ctx, tools.map((t) => t.spec));
  try {
    const installed = await installTools(ctx, tools, { cache: await installSource(ctx, near) });
    const entries = installed.map((t) => basename(t.dir));
    touchTemporaryUse(ctx.dirs.store, entries);
    // `npm i -g` & co. write where the project's own tool of that name would, else in a dir of devenv's state.
    const stateDir = (name: string) => (near ? projectStateDir(ctx.dirs.state, realRoot(near.root), name) : join(ctx.dirs.state, "temporary", name));
    const plan = planEnv(
      tools.map((t, i) => ({ name: t.req.name, dir: installed[i]!.dir, bin: installed[i]!.receipt.bin, ops: toolEnvOps(ctx, t), stateDir: stateDir(t.req.name) })),
      {},
      project.root,
    );
    checkEnvPlan(plan, base, execLimits(), (name) => `${name} (set by a tool named on the command line)`);
    return {
      layers,
      tools: installed.map((t) => ({ name: t.name, version: t.version })),
      plan,
      env: { ...applyOnTop(plan, chainEnv(layers, base)), [TOP_DIRS]: topDirs(plan, base) },
      path: [...plan.path, ...chainPath(layers)],
      done: async () => {
        touchTemporaryUse(ctx.dirs.store, entries);
        await pin.release();
      },
    };
  } catch (e) {
    await pin.release();
    throw e;
  }
}

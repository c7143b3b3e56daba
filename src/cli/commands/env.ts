import type { Command } from "commander";
import { chainEnv, prepareChain, withoutHookChanges } from "../../app/activation/index.js";
import { envDiff } from "../../env/plan.js";
import { renderEnv, type ShellName } from "../../shell/render.js";
import { contextFor } from "../common.js";

/**
 * The environment the hook would give here (enclosing projects too), as shell code: what it sets
 * compared with the environment without any project applied, so a shell whose hook already
 * applied it gets the same answer as one without the hook.
 */
export default async function env(opts: { shell: ShellName; json?: boolean }, cmd: Command): Promise<void> {
  const base = withoutHookChanges(process.env);
  const after = chainEnv(await prepareChain(contextFor(cmd)), base);
  process.stdout.write(renderEnv(envDiff(base, after), opts.json ? "json" : opts.shell));
}

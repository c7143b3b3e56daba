import type { Command } from "commander";
import { chainEnv, prepareChain } from "../../app/activation/index.js";
import { envDiff } from "../../env/plan.js";
import { renderEnv, type ShellName } from "../../shell/render.js";
import { contextFor } from "../common.js";

/** The environment the hook would give here (enclosing projects too), as shell code. */
export default async function env(opts: { shell: ShellName; json?: boolean }, cmd: Command): Promise<void> {
  const after = chainEnv(await prepareChain(contextFor(cmd)), process.env);
  process.stdout.write(renderEnv(envDiff(process.env, after), opts.json ? "json" : opts.shell));
}

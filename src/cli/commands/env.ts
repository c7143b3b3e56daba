import type { Command } from "commander";
import { cacheForLauncher, envHere } from "../../app/activation/index.js";
import { renderEnv, type ShellName } from "../../shell/render.js";
import { contextFor } from "../common.js";

/**
 * The environment the hook would give here (enclosing projects too), as shell code or JSON
 * (app/activation/here.ts: compared with the environment without any project applied).
 */
export default async function env(opts: { shell: ShellName; json?: boolean }, cmd: Command): Promise<void> {
  const ctx = contextFor(cmd);
  const { diff, layers } = await envHere(ctx, process.env);
  process.stdout.write(renderEnv(diff, opts.json ? "json" : opts.shell));
  await cacheForLauncher(ctx, layers);
}

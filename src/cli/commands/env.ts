import type { Command } from "commander";
import { activatedEnv, prepareProject } from "../../app/activate.js";
import { envDiff } from "../../env/plan.js";
import { renderEnv, type ShellName } from "../../shell/render.js";
import { contextFor } from "../common.js";

export default async function env(opts: { shell: ShellName; json?: boolean }, cmd: Command): Promise<void> {
  const ctx = contextFor(cmd);
  const prepared = await prepareProject(ctx);
  const after = activatedEnv(prepared, process.env);
  process.stdout.write(renderEnv(envDiff(process.env, after), opts.json ? "json" : opts.shell));
}

import type { Command } from "commander";
import { activatedEnv, prepareProject } from "../../app/activate.js";
import { contextFor } from "../common.js";
import { runInherited } from "../spawn.js";

export default async function shell(_opts: unknown, cmd: Command): Promise<number> {
  const prepared = await prepareProject(contextFor(cmd));
  const env = { ...activatedEnv(prepared, process.env), DEVENV_SHELL_ROOT: prepared.project.root };
  const sh = process.env.SHELL || "/bin/sh";
  process.stderr.write(`devenv: entering ${prepared.project.root} (exit to leave)\n`);
  return runInherited(sh, [], env);
}

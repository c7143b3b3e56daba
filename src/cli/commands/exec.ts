import type { Command } from "commander";
import { activatedEnv, prepareProject } from "../../app/activate.js";
import { whichBin } from "../../app/query.js";
import { contextFor } from "../common.js";
import { runInherited } from "../spawn.js";

export default async function exec(command: string, args: string[], _opts: unknown, cmd: Command): Promise<number> {
  const prepared = await prepareProject(contextFor(cmd));
  const env = activatedEnv(prepared, process.env);
  // Resolve against the project's tools first, so `exec node` can't pick a system node by accident.
  const file = command.includes("/") ? command : whichBin(prepared.plan.path, command) ?? command;
  return runInherited(file, args, env);
}

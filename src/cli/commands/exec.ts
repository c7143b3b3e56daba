import type { Command } from "commander";
import { chainEnv, chainPath, prepareChain } from "../../app/activation/index.js";
import { whichBin } from "../../app/activation/index.js";
import { contextFor } from "../common.js";
import { runInherited } from "../spawn.js";

export default async function exec(command: string, args: string[], _opts: unknown, cmd: Command): Promise<number> {
  const layers = await prepareChain(contextFor(cmd));
  const env = chainEnv(layers, process.env);
  // Resolve against the project's tools first, so `exec node` can't pick a system node by accident.
  const file = command.includes("/") ? command : whichBin(chainPath(layers), command) ?? command;
  return runInherited(file, args, env);
}

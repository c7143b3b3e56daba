import type { Command } from "commander";
import { cacheForLauncher, chainEnv, chainPath, prepareChain } from "../../app/activation/index.js";
import { whichBin } from "../../app/activation/index.js";
import { contextFor } from "../common.js";
import { runInherited } from "../spawn.js";

export default async function exec(command: string, args: string[], _opts: unknown, cmd: Command): Promise<number> {
  const ctx = contextFor(cmd);
  const layers = await prepareChain(ctx);
  const env = chainEnv(layers, process.env);
  // Resolve against the project's tools first, so `exec node` can't pick a system node by accident.
  const file = command.includes("/") ? command : whichBin(chainPath(layers), command) ?? command;
  // Started first: the launcher's caches are written while the command runs (bin/devenv).
  const running = runInherited(file, args, env);
  const caching = cacheForLauncher(ctx, layers);
  try {
    return await running;
  } finally {
    await caching;
  }
}

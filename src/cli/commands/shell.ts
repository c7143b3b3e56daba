import type { Command } from "commander";
import { chainEnv, prepareChain } from "../../app/activation/index.js";
import { contextFor } from "../common.js";
import { runInherited } from "../spawn.js";
import { printText } from "../output.js";

export default async function shell(_opts: unknown, cmd: Command): Promise<number> {
  const layers = await prepareChain(contextFor(cmd));
  const root = layers.at(-1)!.project.root;
  const env = { ...chainEnv(layers, process.env), DEVENV_SHELL_ROOT: root };
  const sh = process.env.SHELL || "/bin/sh";
  printText(`devenv: entering ${root} (exit to leave)\n`, process.stderr);
  return runInherited(sh, [], env);
}

import type { Command } from "commander";
import { chainEnv, prepareChain } from "../../app/activation/index.js";
import { parseToolArg } from "../../app/project/index.js";
import { prepareTemporary } from "../../app/temporary/index.js";
import { contextFor } from "../common.js";
import { runInherited } from "../spawn.js";
import { printText } from "../output.js";

/** `devenv shell`: $SHELL in the project's environment; with -p, the named tools on top (no project needed). */
export default async function shell(opts: { packages?: string[] }, cmd: Command): Promise<number> {
  const sh = process.env.SHELL || "/bin/sh";
  if (opts.packages) return temporaryShell(opts.packages, sh, cmd);
  const layers = await prepareChain(contextFor(cmd));
  const root = layers.at(-1)!.project.root;
  const env = { ...chainEnv(layers, process.env), DEVENV_SHELL_ROOT: root };
  printText(`devenv: entering ${root} (exit to leave)\n`, process.stderr);
  return runInherited(sh, [], env);
}

async function temporaryShell(packages: string[], sh: string, cmd: Command): Promise<number> {
  const t = await prepareTemporary(contextFor(cmd), packages.map(parseToolArg), process.env);
  try {
    const root = t.layers.at(-1)?.project.root;
    const tools = t.tools.map((u) => `${u.name} ${u.version}`).join(", ");
    printText(`devenv: a shell with ${tools}${root ? ` on top of ${root}` : ""} (exit to leave)\n`, process.stderr);
    return await runInherited(sh, [], root ? { ...t.env, DEVENV_SHELL_ROOT: root } : t.env);
  } finally {
    await t.done();
  }
}

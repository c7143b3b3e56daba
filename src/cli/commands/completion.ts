import type { Command } from "commander";
import { renderBash } from "../completion/bash.js";
import { renderFish } from "../completion/fish.js";
import { commandSpec } from "../completion/spec.js";
import { renderZsh } from "../completion/zsh.js";

const RENDER = { bash: renderBash, zsh: renderZsh, fish: renderFish } as const;

/** `devenv completion <shell>`: the completion script of this devenv's own commands, on stdout. */
export default async function completion(shell: keyof typeof RENDER, _opts: unknown, cmd: Command): Promise<void> {
  let program = cmd;
  while (program.parent) program = program.parent;
  process.stdout.write(RENDER[shell](commandSpec(program)));
}

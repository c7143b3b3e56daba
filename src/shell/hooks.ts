import { readFileSync } from "node:fs";
import { join } from "node:path";
import { quoteFish, quotePosix } from "./render.js";

export type HookShell = "bash" | "zsh" | "fish";

const FILES: Record<HookShell, string> = { bash: "bash.sh", zsh: "zsh.zsh", fish: "fish.fish" };

export interface HookParams {
  /** Absolute path of the node binary: the hook must not depend on the PATH it changes. */
  node: string;
  /** Absolute path of bin/devenv.js. */
  cli: string;
  /** The activations dir in the user's state dir. */
  activations: string;
  /** The stamp file touched by allow/deny/install. */
  stamp: string;
  /** Where the hooks keep values too long for DEVENV_STATE (src/state/hook-values.ts). */
  values: string;
  /** The user-wide project's dir (`devenv add -g`): the outermost layer everywhere when it has a devenv.ts. */
  global: string;
}

/** The hook source for a shell, from shell-hooks/, with the paths filled in. Pure but for the read. */
export function renderHook(shell: HookShell, params: HookParams, hooksDir: string): string {
  const template = readFileSync(join(hooksDir, FILES[shell]), "utf8");
  const q = shell === "fish" ? quoteFish : quotePosix;
  return template
    .replaceAll("@NODE@", q(params.node))
    .replaceAll("@CLI@", q(params.cli))
    .replaceAll("@ACT@", q(params.activations))
    .replaceAll("@STAMP@", q(params.stamp))
    .replaceAll("@VALS@", q(params.values))
    .replaceAll("@GLOBAL@", q(params.global));
}

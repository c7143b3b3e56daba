import type { Command } from "commander";
import { resolve } from "node:path";
import { resolveDirs } from "../../platform/dirs.js";
import { activationsRoot } from "../../state/activations.js";
import { ensureHookValuesDir } from "../../state/hook-values.js";
import { stampFile } from "../../state/trust.js";
import { renderHook, type HookShell } from "../../shell/hooks.js";
import { hooksDir, installPaths } from "../install-paths.js";

/** `devenv hook bash|zsh|fish`: the code for the user's rc file. */
export default async function hook(shell: HookShell, _opts: unknown, _cmd: Command): Promise<void> {
  const dirs = resolveDirs(process.env);
  const code = renderHook(
    shell,
    {
      node: process.execPath,
      cli: installPaths().cli,
      activations: activationsRoot(dirs.state),
      stamp: stampFile(dirs.state),
      values: ensureHookValuesDir(dirs.state),
      global: resolve(dirs.global),
    },
    hooksDir(),
  );
  process.stdout.write(code);
}

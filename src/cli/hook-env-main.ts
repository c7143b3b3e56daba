/**
 * The shell hook's own way in (issue 20, the first visit): `devenv hook-env --activations <dir> --
 * <root>...` exactly as the hooks call it, without commander and without the ~45 modules the full
 * CLI's command loader reaches. scripts/bundle.ts makes this one CommonJS file that
 * src/cli/hook-env-entry.ts runs with a V8 code cache. It does what `main` does for that command line
 * (src/cli/main.ts: the same hookEnv, the same error report and exit codes).
 */
import { contextForOpts } from "./common.js";
import { runHookEnv } from "./commands/hook-env.js";
import type { HookEnvArgs } from "./hook-env-args.js";
import { reportError } from "./output.js";

/** Run hook-env as the full CLI would for the same arguments; sets process.exitCode. */
export async function runHookEnvMain(args: HookEnvArgs): Promise<void> {
  // As main.ts's `run`: an event loop that empties while the command still awaits is a bug.
  let finished = false;
  process.once("beforeExit", () => {
    if (finished) return;
    process.stderr.write("devenv: internal error: the command stopped before finishing (please report this)\n");
    process.exitCode = 1;
  });
  try {
    await runHookEnv(args.roots, { activations: args.activations }, () => contextForOpts({}));
  } catch (e) {
    process.exitCode = reportError(e);
  } finally {
    finished = true;
  }
}

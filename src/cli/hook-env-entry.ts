/**
 * dist/bundle/hook-env.js: what bin/devenv.js runs for `devenv hook-env …` (the shell hook's call
 * for a project whose cached activation is missing or stale). The hooks' exact command line runs
 * the one-file CommonJS bundle of hook-env-main.ts with a V8 code cache in the user's cache dir
 * (<cache>/v8/); any other command line, or a build without that bundle (tsc's output), goes to the
 * full CLI, main.js, which behaves as it always did. See docs/decisions.md D145.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runCommonJs, type CommonJsRun } from "../platform/code-cache.js";
import { resolveDirs } from "../platform/dirs.js";
import { hookEnvArgs } from "./hook-env-args.js";

/** Set by scripts/bundle.ts: the file name of hook-env-main's bundle, with a hash of its content. */
declare const DEVENV_HOOK_ENV_BUNDLE: string | undefined;

type HookEnvMain = typeof import("./hook-env-main.js");

export async function main(argv: string[]): Promise<void> {
  const args = hookEnvArgs(argv.slice(2));
  const name = typeof DEVENV_HOOK_ENV_BUNDLE === "string" ? DEVENV_HOOK_ENV_BUNDLE : undefined;
  let run: CommonJsRun<HookEnvMain> | undefined;
  if (args && name) {
    const file = join(dirname(fileURLToPath(import.meta.url)), name);
    const cacheFile = join(resolveDirs(process.env).cache, "v8", `${name}.${process.version}-${process.arch}.bin`);
    try {
      run = runCommonJs<HookEnvMain>(file, cacheFile);
    } catch {
      // Replaced by a rebuild meanwhile (or unreadable): the full CLI does the same work.
    }
  }
  if (!args || !run) {
    const full = "./main.js";
    return ((await import(full)) as typeof import("./main.js")).main(argv);
  }
  await run.exports.runHookEnvMain(args);
  // The caches of other builds go (~0.5 MB each; every build has a name of its own); those of this
  // build for other Node versions stay.
  run.save((n) => n.startsWith("hook-env-main-") && !n.startsWith(`${name}.`));
}

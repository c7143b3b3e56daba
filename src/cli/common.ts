import type { Command } from "commander";
import { createContext, type AppContext } from "../app/context.js";
import { whenInterruptible } from "../platform/critical.js";
import { removeActivePinsSync } from "../store/gc-lock.js";
import { removeActiveTempsSync } from "../store/temp.js";
import { createProgressReporter } from "./progress.js";

/** The context of a command run: global flags, progress on stderr, clean-up on Ctrl-C. */
export function contextFor(cmd: Command): AppContext {
  return contextForOpts(cmd.optsWithGlobals<{ offline?: boolean; quiet?: boolean }>());
}

/** contextFor with the global flags already parsed (the hook-env entry has no commander). */
export function contextForOpts(g: { offline?: boolean; quiet?: boolean }): AppContext {
  installSignalCleanup();
  return createContext({
    offline: Boolean(g.offline),
    reporter: createProgressReporter(process.stderr, { quiet: Boolean(g.quiet) }),
  });
}

let installed = false;
const cleanups = new Map<NodeJS.Signals, () => void>();
function installSignalCleanup(): void {
  if (installed) return;
  installed = true;
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    // Not in the middle of committing an edit of devenv.ts/devenv.lock: that finishes first.
    const onSignal = () => whenInterruptible(() => {
      removeActiveTempsSync();
      removeActivePinsSync();
      process.stderr.write(`\ndevenv: interrupted; nothing half-installed was left behind\n`);
      process.exit(128 + ({ SIGINT: 2, SIGTERM: 15, SIGHUP: 1 } as const)[sig]);
    });
    cleanups.set(sig, onSignal);
    process.on(sig, onSignal);
  }
}

/**
 * From here on the command handles SIGINT/SIGTERM/SIGHUP itself (the services supervisor stops its
 * processes first): the exit-at-once clean-up above is removed. Only once nothing is being installed.
 */
export function takeOverSignals(): void {
  for (const [sig, fn] of cleanups) process.off(sig, fn);
  cleanups.clear();
}

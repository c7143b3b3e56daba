import type { Command } from "commander";
import type { AppContext } from "../../app/context.js";
import { refreshActivation, writeInterrupted } from "../../app/activation/index.js";
import { activationsRoot } from "../../state/activations.js";
import { ensureHookValuesDir } from "../../state/hook-values.js";
import { showPath } from "../../text.js";
import { contextFor } from "../common.js";

/**
 * Internal: called by the shell hooks for the projects whose cached activation is missing or
 * stale. Writes their activations; prints nothing on stdout (progress and errors go to stderr,
 * messages for the user are in the activations, shown once by the hook).
 */
export default async function hookEnv(roots: string[], opts: { activations?: string }, cmd: Command): Promise<void> {
  return runHookEnv(roots, opts, () => contextFor(cmd));
}

/**
 * hookEnv without commander, also run by the hook's own entry (src/cli/hook-env-main.ts: a first
 * visit loads only what this needs). `context` makes the command's context, after the signal handlers below.
 */
export async function runHookEnv(roots: string[], opts: { activations?: string }, context: () => AppContext): Promise<void> {
  let installing: { root: string; mtime: number; byWatcher?: string } | undefined;
  let actRoot = opts.activations;
  // Registered before contextFor's clean-up handler, which exits.
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(sig, () => {
      if (installing && actRoot) writeInterrupted(actRoot, installing.root, installing.mtime, installing.byWatcher);
    });
  }
  const ctx = context();
  actRoot ??= activationsRoot(ctx.dirs.state);
  const autoInstall = !["0", "false", "no"].includes((ctx.env.DEVENV_AUTO_INSTALL ?? "").toLowerCase());
  ensureHookValuesDir(ctx.dirs.state);
  for (const root of roots) {
    if (!root.startsWith("/")) continue;
    const a = await refreshActivation(ctx, actRoot, root, {
      autoInstall,
      watcher: true,
      onInstalling: (r, mtime, byWatcher) => (installing = { root: r, mtime, ...(byWatcher ? { byWatcher } : {}) }),
    });
    installing = undefined;
    // Node reads its arguments as UTF-8: a path that is not cannot be found again, and no
    // activation can be written where the hook looks. Say so (once: the hook then waits for a
    // change of devenv.ts) rather than leave the project silently inactive.
    if (!a && root.includes("\uFFFD")) {
      process.stderr.write(`devenv: ${showPath(root)}: this path is not valid UTF-8 (shown with \uFFFD); devenv cannot load a project there\n  hint: rename the directory so that its path is UTF-8\n`);
    }
  }
}

import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { CONFIG_FILE, LOCK_FILE } from "../../config/find.js";
import { silentReporter } from "../../reporter.js";
import { decodeActivation } from "../../shell/activation.js";
import { activationsRoot, currentActivationFile } from "../../state/activations.js";
import type { AppContext } from "../context.js";
import type { PreparedProject } from "./prepare.js";
import { refreshActivation } from "./refresh.js";

/**
 * After `exec`, `env` or `which` ran on the Node path (bin/devenv's fast path did not take it):
 * write the cached activations of the chain's layers that the fast path would not take, as the
 * hook would, so the next call skips Node. Everything is installed by now, so nothing is installed
 * here; the command's own result never depends on this (errors are dropped, nothing is printed).
 */
export async function cacheForLauncher(ctx: AppContext, layers: readonly PreparedProject[]): Promise<void> {
  const actRoot = activationsRoot(ctx.dirs.state);
  const quiet = { ...ctx, reporter: silentReporter };
  for (const l of layers) {
    const root = l.project.root;
    try {
      if (!launcherActivationFresh(actRoot, root)) {
        await refreshActivation(quiet, actRoot, root, { autoInstall: false });
      }
    } catch {
      /* a cache not written: the next call takes the Node path again */
    }
  }
}

/**
 * Would bin/devenv's fast path take `root`'s cached activation (the launcher's test, written the
 * same way, in whole seconds as the strictest shells compare): a current generation with its `.sh`,
 * "ok", in a later second than devenv.ts, devenv.lock (when there is one) and every input, and every
 * store dir there. Not so: the Node path writes it again, dated so that such shells take it.
 */
export function launcherActivationFresh(actRoot: string, root: string): boolean {
  let act: string | undefined;
  try {
    act = currentActivationFile(actRoot, root);
  } catch {
    return false;
  }
  const mtime = (f: string) => statSync(f, { throwIfNoEntry: false })?.mtimeMs;
  const at = act === undefined ? undefined : mtime(act);
  if (act === undefined || at === undefined || mtime(act.replace(/\.act$/, ".sh")) === undefined) return false;
  // As a shell whose -nt sees whole seconds would: an input in the cache's second is not older (D142).
  const newer = (f: string) => Math.floor((mtime(f) ?? Infinity) / 1000) >= Math.floor(at / 1000);
  const lock = join(root, LOCK_FILE);
  if (newer(join(root, CONFIG_FILE)) || (mtime(lock) !== undefined && newer(lock))) return false;
  let a;
  try {
    a = decodeActivation(readFileSync(act, "utf8"));
  } catch {
    return false;
  }
  return a?.status === "ok" && a.dirs.every((d) => statSync(d, { throwIfNoEntry: false })?.isDirectory()) && (a.inputs ?? []).every((i) => !newer(i));
}

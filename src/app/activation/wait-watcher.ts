/**
 * The hook's side of `devenv watch`: when automatic installs are off in the shell but a watcher
 * is running, a prompt that finds tools missing waits for the watcher to install them (it has
 * been told of the same change) instead of telling the user to run 'devenv install'.
 */
import { readRoot, registerRoot } from "../../state/roots.js";
import { findInstalled, type InstallSpec } from "../../store/install.js";
import type { AppContext } from "../context.js";
import { firstLine, readWatchStatus } from "../../state/watch-status.js";
import { watcherPid } from "../../state/watch-pid.js";

export type WatcherWait =
  | { installed: true }
  /** `reason`: what the watcher reported (a failed download and when it retries), one line. */
  | { installed: false; reason?: string };

export interface WaitOptions {
  /** The devenv.lock the missing tools come from (registers a project the watcher does not know yet). */
  lockText: string;
  /** The newest mtime of the project's inputs: a watcher run that ended later has seen them. */
  inputsMtime: number;
  timeoutMs?: number;
  /** How long the watcher may take to list a project it was just told about. */
  pickUpMs?: number;
  /** Called once waiting starts, with what is waited for ("zig 0.13.0, node 20.18.0"). */
  onWait?: (names: string) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * If a watcher is running, wait until it has installed `specs`, or has failed at it after seeing
 * the project's current inputs, or stopped, or `timeoutMs` passed. A project the watcher does not
 * know (never installed, so never registered) is registered first, which the watcher notices.
 * No watcher: `{ installed: false }` at once.
 */
export async function waitForWatcher(ctx: AppContext, realRoot: string, specs: InstallSpec[], opts: WaitOptions): Promise<WatcherWait> {
  const state = ctx.dirs.state;
  const pid = watcherPid(state);
  if (pid === undefined) return { installed: false };
  if (!readRoot(state, realRoot)) await registerRoot(state, realRoot, opts.lockText);
  const names = specs.map((s) => `${s.name} ${s.version}`).join(", ");
  opts.onWait?.(names);
  ctx.reporter.info(`devenv watch is installing ${names} … (Ctrl-C stops waiting; it goes on)`);
  const started = Date.now();
  const timeoutMs = opts.timeoutMs ?? 15 * 60_000;
  const pickUpMs = opts.pickUpMs ?? 5_000;
  for (let delay = 50; ; delay = Math.min(delay * 2, 250)) {
    if (specs.every((s) => findInstalled(ctx.dirs.store, s))) return { installed: true };
    if (watcherPid(state) !== pid) return { installed: false, reason: "devenv watch stopped" };
    const status = readWatchStatus(state);
    const st = status?.pid === pid ? status.projects[realRoot] : undefined;
    const waited = Date.now() - started;
    if (!st && waited > pickUpMs) return { installed: false, reason: "devenv watch is not watching this project" };
    // The watcher tried with these inputs and could not (a download failing: it retries later). Don't hang the prompt.
    if (st?.lastRun && Date.parse(st.lastRun) >= opts.inputsMtime && st.state !== "ok" && st.state !== "pending") {
      const retry = st.state === "retrying" ? "; it will retry, 'devenv watch status' shows when" : "";
      return { installed: false, reason: `devenv watch: ${firstLine(st.message ?? st.state)}${retry}` };
    }
    if (waited > timeoutMs) return { installed: false, reason: "devenv watch has not finished" };
    await sleep(delay);
  }
}

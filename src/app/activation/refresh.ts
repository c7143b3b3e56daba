import { existsSync } from "node:fs";
import { join } from "node:path";
import { CONFIG_FILE, LOCK_FILE } from "../../config/find.js";
import { DevenvError } from "../../errors.js";
import { encodeActivation, type Activation } from "../../shell/activation.js";
import { encodeExecCache } from "../../shell/exec-cache.js";
import { serializeLock } from "../../lock/format.js";
import { showPath } from "../../text.js";
import { activationsRoot, newestMtime, writeActivation } from "../../state/activations.js";
import { emptyLastGood as empty, readLastGood, writeLastGood, type LastGood } from "../../state/last-good.js";
import type { ConfigBundle } from "../../config/inputs.js";
import { stampFile, type TrustState } from "../../state/trust.js";
import type { AppContext } from "../context.js";
import { planProjectEnv } from "./prepare.js";
import { waitForWatcher } from "./wait-watcher.js";
import { evaluateBundle } from "../project/load.js";
import { syncProject, type InstallDecision } from "../project/sync.js";
import { bundleTrust, loadConfig, notAllowedMessage, realRoot, userWideAllowDir } from "../project/trust.js";

export interface RefreshOptions {
  /** Install missing tools (else a one-line hint); `autoInstall: false` in devenv.ts also turns it off. */
  autoInstall: boolean;
  /**
   * Called with the root whose tools are being installed, by this process or (`byWatcher`: what it
   * waits for) by `devenv watch`; the CLI records an interrupted install or wait (see writeInterrupted).
   */
  onInstalling?: (root: string, inputsMtime: number, byWatcher?: string) => void;
  /** With installs off: if a `devenv watch` is running, wait for it to install what is missing. */
  watcher?: boolean;
  /**
   * Called with the error behind an "error" activation; a string it returns replaces the error's
   * text in the message (the watcher says a failed download in one line, the same at every retry).
   */
  describeError?: (e: unknown) => string | undefined;
}

const inputs = (ctx: AppContext, root: string) => [join(root, CONFIG_FILE), join(root, LOCK_FILE), stampFile(ctx.dirs.state)];

const hasEnv = (g: LastGood) => g.tools.length > 0 || Object.keys(g.plan.set).length > 0;

/**
 * Bring the cached activation of one project up to date, as the hook asks when a project's cache
 * is missing or older than its devenv.ts/devenv.lock: trust check, evaluate, the project pipeline
 * (syncProject: lock, install under a gc pin, record the gc root), plan.
 * Every outcome is written as an activation (blocked, error, missing or ok), so the hook shows a
 * message once and does not start devenv again until something changes. Never throws for the
 * project's own problems.
 */
export async function refreshActivation(ctx: AppContext, actRoot: string, root: string, opts: RefreshOptions): Promise<Activation | undefined> {
  const readAt = Date.now();
  let inputsMtime = newestMtime(inputs(ctx, root));
  // The files devenv.ts imports: the hook treats an edit to one like an edit to devenv.ts (I records).
  let imported: string[] = [];
  const write = (a: Activation) => {
    const full = imported.length ? { ...a, inputs: imported } : a;
    writeActivation(actRoot, root, encodeActivation(full), inputsMtime, { launcher: encodeExecCache(full), readAt });
    return full;
  };
  let bundle: ConfigBundle;
  try {
    // devenv.ts and the files it imports, read and compiled (nothing runs before the trust check).
    bundle = await loadConfig(ctx, root);
  } catch (e) {
    if (!existsSync(join(root, CONFIG_FILE))) return undefined; // gone since the shell looked: the hook unloads it without us
    return write({ status: "error", message: `devenv: ${showPath(root)}: ${e instanceof DevenvError ? e.message : String((e as Error)?.message ?? e)}`, ...empty() });
  }
  // The files devenv.ts imports are inputs too (their mtimes taken before they were read).
  for (const i of bundle.inputs) inputsMtime = Math.max(inputsMtime, i.mtimeMs);
  imported = bundle.inputs.slice(1).map((i) => i.path);
  const trust = bundleTrust(ctx, root, bundle);
  const lastGood = readLastGood(actRoot, root) ?? empty();
  if (trust.state !== "allowed") {
    // Edited since it was allowed: the last good environment came from content the user allowed,
    // so keeping it runs nothing new. Denied or never allowed: nothing stays.
    const kept = trust.state === "changed" && lastGood.dirs.every((d) => existsSync(d)) ? lastGood : empty();
    return write(blocked(root, trust.state, trust.hash, trust.detail, kept, userWideAllowDir(ctx, root)));
  }
  // devenv.lock written by this refresh is an input the activation is dated after.
  const lockInputs = (written: boolean) => {
    if (written) inputsMtime = Math.max(inputsMtime, newestMtime(inputs(ctx, root)));
  };

  try {
    const project = await evaluateBundle(bundle);
    let watcherSays: string | undefined;
    // Asked with the missing tools pinned: a gc running meanwhile keeps what the activation will point at.
    const install: InstallDecision = async (missing, { lock, lockWritten }) => {
      lockInputs(lockWritten);
      if (opts.autoInstall && project.autoInstall) {
        opts.onInstalling?.(root, inputsMtime);
        return true;
      }
      if (!opts.watcher) return false;
      // Installs are off here, but a running `devenv watch` is on it: wait for it rather than give up.
      const waited = await waitForWatcher(ctx, realRoot(root), missing.map((t) => t.spec), {
        lockText: serializeLock(lock),
        inputsMtime,
        onWait: (names) => opts.onInstalling?.(root, inputsMtime, names),
      });
      if (!waited.installed) watcherSays = waited.reason;
      return waited.installed;
    };
    const { tools, installed, missing, lockWritten } = await syncProject(ctx, root, { project, lock: "write", install, stamp: "never" });
    lockInputs(lockWritten);
    if (missing.length) {
      const names = missing.map((t) => `${t.spec.name} ${t.spec.version}`).join(", ");
      if (watcherSays === undefined) {
        return write({ status: "missing", message: `devenv: ${showPath(root)}: not installed: ${names}; run 'devenv install'`, ...empty() });
      }
      // The watcher is at it and will write the activation when it succeeds: keep what the shell has meanwhile.
      const kept = hasEnv(lastGood) ? " (keeping its last good environment)" : "";
      return write({ status: "missing", message: `devenv: ${showPath(root)}${kept}: not installed yet: ${names} (${watcherSays})`, ...lastGood });
    }
    // The project is a gc root of this lock now (syncProject recorded it): its entries stay while the activation is written.
    const plan = planProjectEnv(ctx, project, tools, installed);
    const good: LastGood = { tools: installed.map((t) => `${t.name}@${t.version}`), dirs: installed.map((t) => t.dir), plan };
    writeLastGood(actRoot, root, good);
    return write({ status: "ok", message: "", ...good });
  } catch (e) {
    const text = opts.describeError?.(e) ?? (e instanceof DevenvError ? `${e.message}${e.hint ? `\n  ${e.hint}` : ""}` : String((e as Error)?.stack ?? e));
    const kept = hasEnv(lastGood) ? " (keeping its last good environment)" : "";
    return write({ status: "error", message: `devenv: ${showPath(root)}${kept}: ${text}`, ...lastGood });
  }
}

/**
 * Keyed by the trust hash of the config's files: an edited devenv.ts, or an edited file it imports,
 * is a new generation, so the hook warns once more. `kept`: the environment that stays meanwhile.
 */
const blocked = (root: string, trust: TrustState, key: string, detail = "", kept = empty(), allowDir?: string): Activation => ({
  status: "blocked",
  message: notAllowedMessage(showPath(root), trust, detail, allowDir) + (hasEnv(kept) ? " (keeping the environment of the content you allowed)" : ""),
  ...kept,
  key,
});

/**
 * After `devenv deny`: replace the project's cached activations (under the path the user named
 * it by and its real path) so shells inside drop it at their next prompt; they do not recheck
 * trust for a working activation otherwise.
 */
export function writeDenied(ctx: AppContext, root: string, key: string, paths: Iterable<string>): void {
  const actRoot = activationsRoot(ctx.dirs.state);
  for (const r of paths) writeActivation(actRoot, r, encodeActivation(blocked(root, "denied", key, "", empty(), userWideAllowDir(ctx, root))), newestMtime(inputs(ctx, r)));
}

/**
 * What the hook is told when an install is cut short (Ctrl-C): no retry at every prompt. When the
 * prompt was waiting for `devenv watch` to install `byWatcher`, the watcher goes on and writes the
 * activation when it is done; meanwhile the shell keeps what it had.
 */
export function writeInterrupted(actRoot: string, root: string, inputsMtime: number, byWatcher?: string): void {
  let lastGood = empty();
  try {
    if (byWatcher) lastGood = readLastGood(actRoot, root) ?? empty();
  } catch {
    /* run from a signal handler: an unreadable file keeps nothing, and the next refresh reports it */
  }
  const kept = hasEnv(lastGood) ? " (keeping its last good environment)" : "";
  const a: Activation = {
    status: "missing",
    message: byWatcher
      ? `devenv: ${showPath(root)}${kept}: devenv watch is still installing ${byWatcher}; the first prompt after it is done has them`
      : `devenv: ${showPath(root)}: installing was interrupted; run 'devenv install' to finish`,
    ...lastGood,
  };
  // Never dated as "racy" (see writeActivation), even when Ctrl-C comes right after devenv.lock was
  // written: the re-check at the next prompt would start the install all over again.
  writeActivation(actRoot, root, encodeActivation(a), inputsMtime, { now: Math.max(Date.now(), inputsMtime + 1000) });
}

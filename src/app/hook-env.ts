import { existsSync } from "node:fs";
import { join } from "node:path";
import { CONFIG_FILE, LOCK_FILE } from "../config/find.js";
import { DevenvError } from "../errors.js";
import { encodeActivation, type Activation } from "../shell/activation.js";
import { serializeLock } from "../lock/format.js";
import { showPath } from "../text.js";
import { activationsRoot, newestMtime, readLastGood, writeActivation, writeLastGood } from "../state/activations.js";
import type { ConfigBundle } from "../config/inputs.js";
import { stampFile, type TrustState } from "../state/trust.js";
import { findInstalled } from "../store/install.js";
import type { AppContext } from "./context.js";
import { planProjectEnv } from "./activate.js";
import { pinSpecs, recordUse } from "./references.js";
import { waitForWatcher } from "./watch-wait.js";
import { installTools, projectTools } from "./install.js";
import { lockProject } from "./lock.js";
import { evaluateBundle, readLock, writeLock } from "./project.js";
import { bundleTrust, loadConfig, notAllowedMessage, realRoot } from "./trust.js";

type LastGood = Pick<Activation, "tools" | "dirs" | "plan">;

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

const empty = (): LastGood => ({ tools: [], dirs: [], plan: { path: [], prepend: {}, set: {} } });

/** A last good environment from before list entries with ':' were refused is not one to keep. */
const usable = (g: LastGood | undefined): LastGood =>
  g && ![g.plan.path, ...Object.values(g.plan.prepend)].some((l) => l.some((d) => d.includes(":"))) ? g : empty();

/**
 * Bring the cached activation of one project up to date, as the hook asks when a project's cache
 * is missing or older than its devenv.ts/devenv.lock: trust check, evaluate, lock, install, plan.
 * Every outcome is written as an activation (blocked, error, missing or ok), so the hook shows a
 * message once and does not start devenv again until something changes. Never throws for the
 * project's own problems.
 */
export async function refreshActivation(ctx: AppContext, actRoot: string, root: string, opts: RefreshOptions): Promise<Activation | undefined> {
  let inputsMtime = newestMtime(inputs(ctx, root));
  // The files devenv.ts imports: the hook treats an edit to one like an edit to devenv.ts (I records).
  let imported: string[] = [];
  const write = (a: Activation) => {
    const full = imported.length ? { ...a, inputs: imported } : a;
    writeActivation(actRoot, root, encodeActivation(full), inputsMtime);
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
  const lastGood = usable(readLastGood<LastGood>(actRoot, root));
  if (trust.state !== "allowed") {
    // Edited since it was allowed: the last good environment came from content the user allowed,
    // so keeping it runs nothing new. Denied or never allowed: nothing stays.
    const kept = trust.state === "changed" && lastGood.dirs.every((d) => existsSync(d)) ? lastGood : empty();
    return write(blocked(root, trust.state, trust.hash, trust.detail, kept));
  }

  try {
    const project = await evaluateBundle(bundle);
    const { lock: current, text } = await readLock(root);
    const { lock } = await lockProject(ctx, project, current, { frozen: false });
    if (await writeLock(root, lock, text)) inputsMtime = Math.max(inputsMtime, newestMtime(inputs(ctx, root)));
    const tools = await projectTools(ctx, project, lock);
    // Pinned until the activation that points at them is written: a gc running meanwhile keeps them.
    const pin = await pinSpecs(ctx, tools.map((t) => t.spec));
    try {
      let missing = tools.filter((t) => !findInstalled(ctx.dirs.store, t.spec));
      let watcherSays: string | undefined;
      if (missing.length && !(opts.autoInstall && project.autoInstall) && opts.watcher) {
        // Installs are off here, but a running `devenv watch` is on it: wait for it rather than give up.
        const waited = await waitForWatcher(ctx, realRoot(root), missing.map((t) => t.spec), {
          lockText: serializeLock(lock),
          inputsMtime,
          onWait: (names) => opts.onInstalling?.(root, inputsMtime, names),
        });
        if (waited.installed) missing = [];
        else watcherSays = waited.reason;
      }
      if (missing.length && !(opts.autoInstall && project.autoInstall)) {
        const names = missing.map((t) => `${t.spec.name} ${t.spec.version}`).join(", ");
        if (watcherSays === undefined) {
          return write({ status: "missing", message: `devenv: ${showPath(root)}: not installed: ${names}; run 'devenv install'`, ...empty() });
        }
        // The watcher is at it and will write the activation when it succeeds: keep what the shell has meanwhile.
        const kept = hasEnv(lastGood) ? " (keeping its last good environment)" : "";
        return write({ status: "missing", message: `devenv: ${showPath(root)}${kept}: not installed yet: ${names} (${watcherSays})`, ...lastGood });
      }
      if (missing.length) opts.onInstalling?.(root, inputsMtime);
      const installed = await installTools(ctx, tools);
      await recordUse(ctx, realRoot(root), serializeLock(lock), installed);
      const plan = planProjectEnv(ctx, project, tools, installed);
      const good: LastGood = { tools: installed.map((t) => `${t.name}@${t.version}`), dirs: installed.map((t) => t.dir), plan };
      writeLastGood(actRoot, root, good);
      return write({ status: "ok", message: "", ...good });
    } finally {
      await pin.release();
    }
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
const blocked = (root: string, trust: TrustState, key: string, detail = "", kept = empty()): Activation => ({
  status: "blocked",
  message: notAllowedMessage(showPath(root), trust, detail) + (hasEnv(kept) ? " (keeping the environment of the content you allowed)" : ""),
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
  for (const r of paths) writeActivation(actRoot, r, encodeActivation(blocked(root, "denied", key)), newestMtime(inputs(ctx, r)));
}

/**
 * What the hook is told when an install is cut short (Ctrl-C): no retry at every prompt. When the
 * prompt was waiting for `devenv watch` to install `byWatcher`, the watcher goes on and writes the
 * activation when it is done; meanwhile the shell keeps what it had.
 */
export function writeInterrupted(actRoot: string, root: string, inputsMtime: number, byWatcher?: string): void {
  const lastGood = byWatcher ? usable(readLastGood<LastGood>(actRoot, root)) : empty();
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
  writeActivation(actRoot, root, encodeActivation(a), inputsMtime, Math.max(Date.now(), inputsMtime + 1000));
}

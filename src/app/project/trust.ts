import { realpathSync } from "node:fs";
import { join, resolve } from "node:path";
import { bundleConfig } from "../../config/bundle.js";
import { CONFIG_FILE, findProjectRoot } from "../../config/find.js";
import type { ConfigBundle, ConfigInput } from "../../config/inputs.js";
import { DevenvError } from "../../errors.js";
import { changedFiles, readTrust, touchStamp, trustHash, trustOf, writeTrust, type TrustState } from "../../state/trust.js";
import { showPath } from "../../text.js";
import type { AppContext } from "../context.js";

export const realRoot = (root: string) => {
  try {
    return realpathSync(root);
  } catch {
    return resolve(root);
  }
};

/**
 * Read root/devenv.ts and every local file it imports, and compile them (nothing runs). `source`
 * stands in for devenv.ts's bytes on disk (what devenv itself just wrote or is about to replace).
 */
export function loadConfig(ctx: AppContext, root: string, source?: string): Promise<ConfigBundle> {
  return bundleConfig(root, join(root, CONFIG_FILE), { cacheDir: ctx.dirs.cache, ...(source === undefined ? {} : { source }) });
}

export interface ConfigTrust {
  state: TrustState;
  /** The trust hash of the files read: what `devenv allow` would record now. */
  hash: string;
  /** For "changed": which files, as " (changed: helper.ts; new: x.ts)"; "" when only devenv.ts changed or unknown. */
  detail: string;
}

const filesOf = (inputs: readonly ConfigInput[]) => Object.fromEntries(inputs.map((i) => [i.rel, i.sha256]));

/** Whether the user allowed exactly these files, with these bytes, for this project. */
export function bundleTrust(ctx: AppContext, root: string, bundle: ConfigBundle): ConfigTrust {
  const real = realRoot(root);
  const hash = trustHash(bundle.inputs);
  const state = trustOf(ctx.dirs.state, real, hash);
  return { state, hash, detail: state === "changed" ? changeDetail(ctx, real, bundle.inputs) : "" };
}

export async function configTrust(ctx: AppContext, root: string): Promise<ConfigTrust> {
  return bundleTrust(ctx, root, await loadConfig(ctx, root));
}

function changeDetail(ctx: AppContext, real: string, inputs: readonly ConfigInput[]): string {
  const rec = readTrust(ctx.dirs.state, real);
  if (!rec) return "";
  // A record from before imports were covered names devenv.ts alone.
  const diff = changedFiles(rec.files || rec.sha256 !== inputs[0]!.sha256 ? rec : { ...rec, files: { [inputs[0]!.rel]: rec.sha256 } }, inputs);
  if (!diff) return "";
  if (!diff.added.length && !diff.removed.length && diff.changed.length === 1 && diff.changed[0] === inputs[0]!.rel) return "";
  const parts = [
    diff.changed.length ? `changed: ${diff.changed.join(", ")}` : "",
    diff.added.length ? `new: ${diff.added.join(", ")}` : "",
    diff.removed.length ? `no longer imported: ${diff.removed.join(", ")}` : "",
  ].filter(Boolean);
  return parts.length ? ` (${parts.join("; ")})` : "";
}

/**
 * The one-line reason the hook shows for a project it will not evaluate. `allowDir`: a directory to
 * name in the command (the user-wide project's, which no one is in when the hook says it).
 */
export function notAllowedMessage(root: string, state: TrustState, detail = "", allowDir?: string): string {
  const file = join(root, CONFIG_FILE);
  const allow = `devenv allow${allowDir ? ` ${allowDir}` : ""}`;
  return state === "denied"
    ? `devenv: ${file} is denied; run '${allow}' to use it`
    : `devenv: ${file} is not allowed${detail}; run '${allow}'`;
}

/** For notAllowedMessage: the user-wide project's dir (shown), undefined for any other project. */
export const userWideAllowDir = (ctx: AppContext, root: string): string | undefined => (root === resolve(ctx.dirs.global) ? showPath(root) : undefined);

/** Throws unless the user allowed exactly the files this bundle was compiled from. */
export function requireTrustedBundle(ctx: AppContext, root: string, bundle: ConfigBundle): void {
  const { state, detail } = bundleTrust(ctx, root, bundle);
  if (state === "allowed") return;
  const file = join(root, CONFIG_FILE);
  const what = state === "denied" ? "is denied" : state === "changed" ? `changed since it was allowed${detail}` : "is not allowed";
  const files = bundle.inputs.length > 1 ? " and the local files it imports" : "";
  throw new DevenvError("NOT_ALLOWED", `${file} ${what}`, {
    hint: `devenv.ts${files} is code that devenv runs. Read it, then run 'devenv allow'${ctx.cwd === root && !userWideAllowDir(ctx, root) ? "" : ` ${root}`}.`,
  });
}

/**
 * Load root/devenv.ts (or `source` in its place) with its imports and throw unless that exact set
 * of files is allowed; the bundle returned is what may run.
 */
export async function requireTrustedConfig(ctx: AppContext, root: string, source?: string): Promise<ConfigBundle> {
  const bundle = await loadConfig(ctx, root, source);
  requireTrustedBundle(ctx, root, bundle);
  return bundle;
}

function rootFor(ctx: AppContext, dir: string | undefined): string {
  const start = dir ? resolve(ctx.cwd, dir) : ctx.cwd;
  const root = findProjectRoot(start);
  if (!root) {
    throw new DevenvError("CONFIG_NOT_FOUND", `no ${CONFIG_FILE} in ${start} or any parent directory`, {
      hint: "Give the project directory: devenv allow <dir>.",
    });
  }
  return root;
}

export interface TrustChange {
  root: string;
  file: string;
  status: "allow" | "deny";
  /** The files the decision is about (devenv.ts first) and their sha256. */
  inputs: ConfigInput[];
  /** The trust hash recorded. */
  hash: string;
  /** Why the config does not compile (the decision then covers the files read up to there). */
  error?: DevenvError;
}

/** `devenv allow` / `devenv deny`: record the decision for the current content of devenv.ts and its imports. */
export async function setTrust(ctx: AppContext, dir: string | undefined, status: "allow" | "deny"): Promise<TrustChange> {
  const root = rootFor(ctx, dir);
  const bundle = await loadConfig(ctx, root);
  const hash = trustHash(bundle.inputs);
  await writeTrust(ctx.dirs.state, realRoot(root), status, hash, filesOf(bundle.inputs));
  await touchStamp(ctx.dirs.state);
  return { root, file: bundle.file, status, inputs: bundle.inputs, hash, ...(bundle.error ? { error: bundle.error } : {}) };
}

/**
 * The files `next` imports that the approval of `prior` did not cover with these bytes. Only
 * devenv.ts is devenv's own edit (add/remove): a helper changed meanwhile stays unapproved.
 */
export function unapprovedImports(prior: ConfigBundle | undefined, next: ConfigBundle): string[] {
  const approved = new Map(prior?.inputs.slice(1).map((i) => [i.rel, i.sha256]));
  return next.inputs.slice(1).filter((i) => approved.get(i.rel) !== i.sha256).map((i) => i.rel);
}

/**
 * After devenv itself wrote devenv.ts (add/remove/init): allow the new config if what it replaced
 * was allowed (or there was none) and it imports nothing that approval did not cover, so the
 * user's own edits through devenv need no second step.
 */
export async function allowOwnEdit(ctx: AppContext, root: string, prior: ConfigBundle | undefined, next: ConfigBundle): Promise<void> {
  if (prior && bundleTrust(ctx, root, prior).state !== "allowed") return;
  if (unapprovedImports(prior, next).length) return;
  await writeTrust(ctx.dirs.state, realRoot(root), "allow", trustHash(next.inputs), filesOf(next.inputs));
  await touchStamp(ctx.dirs.state);
}

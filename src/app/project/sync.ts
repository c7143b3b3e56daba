/**
 * The project pipeline, written once (issue 15; D40 in docs/decisions.md): load devenv.ts →
 * lock → write devenv.lock → pin → install → record use (gc root) → touch the stamp. Every command
 * (install, exec/env/shell through prepareProject, add/remove, update, lock) and the hook's refresh
 * call it; they differ only in the options. Copies of this sequence drifted before: `add` and
 * `update` installed without a gc pin or a root, and `devenv gc` right after `add` removed the tool.
 */
import type { ProjectConfig } from "../../config/normalise.js";
import { DevenvError } from "../../errors.js";
import { serializeLock } from "../../lock/format.js";
import { withComputedSha256 } from "../../lock/computed-sha256.js";
import type { LockFile } from "../../lock/types.js";
import { touchStamp } from "../../state/trust.js";
import { ensurePorts } from "../../services/env.js";
import { findInstalled, type InstalledTool } from "../../store/install.js";
import type { AppContext } from "../context.js";
import { pinSpecs, recordUse } from "../gc/references.js";
import type { BlobSource } from "../../store/blob-source.js";
import type { PullStats } from "../cache/pull.js";
import { installSource } from "../cache/source.js";
import { installTools, projectTools, type ProjectTool } from "./install.js";
import { loadProject, readLock, writeLock } from "./load.js";
import { lockProject, type LockOptions, type LockResult } from "./lock.js";
import { recordSha256 } from "./record-sha256.js";
import { realRoot } from "./trust.js";

/**
 * "write": bring devenv.lock in line with devenv.ts and write it if it changed. "frozen": any change
 * needed is an error (nothing written). `update`: move these tools' pins (or all) to the newest
 * version their range allows; `fresh` ignores cached version lists (`devenv update`).
 */
export type LockMode = "write" | "frozen" | { update: readonly string[] | "all"; fresh?: boolean };

/** Asked, with the gc pin held, when tools are missing: install them (true) or not. */
export type InstallDecision = (missing: ProjectTool[], sofar: { lock: LockFile; lockWritten: boolean }) => Promise<boolean>;

export interface SyncOptions extends Pick<LockOptions, "strict" | "trustFirstDownload" | "platforms"> {
  lock: LockMode;
  /**
   * Install what is missing (true), or not (false: the project is still recorded as a gc root of
   * what the store has), or ask (the hook: installs may be off, or a `devenv watch` may be at it).
   */
  install: boolean | InstallDecision;
  /** devenv.ts already evaluated (the hook checked its trust itself; add/remove evaluate their edit). Default: load it. */
  project?: ProjectConfig;
  /**
   * Write devenv.lock another way, after installing and before the root is recorded (add/remove
   * write devenv.ts, devenv.lock and the trust record together, or nothing: commitEdit). `before`
   * is devenv.lock as read (undefined: none).
   */
  commit?: (lock: LockFile, before: string | undefined) => Promise<void>;
  /**
   * The stamp makes shells that could not activate a project look again. Touched when a tool was
   * installed; "always" (`devenv install`, the remedy every "not installed" message names), or
   * "never" (the hook's refresh: the activation it writes is what shells read).
   */
  stamp?: "always" | "never";
  /**
   * Where installs look before the upstreams: undefined = the cache the user or devenv.ts set (if
   * any); a source (`install --from-bundle`); "none".
   */
  cache?: BlobSource | "none";
}

export interface SyncResult {
  project: ProjectConfig;
  lock: LockResult;
  /** Whether devenv.lock's bytes changed (written, or committed). */
  lockWritten: boolean;
  tools: ProjectTool[];
  /** The installed tools, in the order of `tools`; all of them unless some are `missing`. */
  installed: InstalledTool[];
  /** Tools not installed (only when install was false or declined). */
  missing: ProjectTool[];
  /** The cache installs asked first, with what it served (when something was installed and there is one). */
  cache?: BlobSource & { stats?: PullStats; where?: string };
}

export async function syncProject(ctx: AppContext, root: string, opts: SyncOptions): Promise<SyncResult> {
  const project = opts.project ?? (await loadProject(ctx, root));
  const lockCtx = lockContext(ctx, project, opts.lock);
  const { lock: current, text } = await readLock(root);
  const lock = await lockProject(lockCtx, project, current, lockOptions(opts));
  const lockText = serializeLock(lock.lock);
  const lockWritten = opts.lock !== "frozen" && lockText !== text;
  if (!opts.commit && opts.lock !== "frozen") await writeLock(root, lock.lock, text);
  const tools = await projectTools(ctx, project, lock.lock);
  // Pinned until the project is a registered root: a gc running meanwhile keeps these entries.
  const pin = await pinSpecs(ctx, tools.map((t) => t.spec));
  let installed: InstalledTool[];
  let missing: ProjectTool[];
  let cache: SyncResult["cache"];
  let final = lock.lock;
  let recorded = false;
  try {
    missing = tools.filter((t) => !findInstalled(ctx.dirs.store, t.spec));
    const install = missing.length > 0 && (typeof opts.install === "function" ? await opts.install(missing, { lock: lock.lock, lockWritten }) : opts.install);
    if (install) {
      cache = opts.cache === "none" ? undefined : opts.cache ?? (await installSource(ctx, project));
      installed = await installTools(ctx, tools, { cache });
      missing = [];
    } else {
      installed = tools.flatMap((t) => findInstalled(ctx.dirs.store, t.spec) ?? []);
      missing = tools.filter((t) => !installed.some((i) => i.name === t.spec.name));
    }
    // The sha256 of npm tarballs & co. verified by their integrity, recorded beside it (the cache's address).
    const found = installed.flatMap((t) => t.digests);
    final = withComputedSha256(lock.lock, found);
    if (opts.commit) await opts.commit(final, text);
    else if (opts.lock !== "frozen" && final !== lock.lock) recorded = await recordComputed(ctx, root, found);
    await recordUse(ctx, realRoot(root), serializeLock(final), installed);
  } finally {
    await pin.release();
  }
  // The ports this checkout's services use are picked once, before the activation exports them.
  await ensurePorts(ctx.dirs.state, realRoot(root), project.services, ctx.env);
  if (opts.stamp === "always" || (opts.stamp !== "never" && installed.some((t) => t.fresh))) await touchStamp(ctx.dirs.state);
  const written = opts.commit ? opts.lock !== "frozen" && serializeLock(final) !== text : lockWritten || recorded;
  return { project, lock: { ...lock, lock: final }, lockWritten: written, tools, installed, missing, ...(cache ? { cache } : {}) };
}

/**
 * Record what the install verified; a devenv.lock that cannot be written now (a read-only checkout) or
 * no longer parses costs the cache its address for these files, never the command that installed them.
 */
async function recordComputed(ctx: AppContext, root: string, found: Parameters<typeof recordSha256>[1]): Promise<boolean> {
  try {
    return await recordSha256(root, found);
  } catch (e) {
    ctx.reporter.warn(`devenv.lock: the sha256 of the files verified by their integrity was not recorded (${(e as Error).message})`);
    return false;
  }
}

function lockOptions(opts: SyncOptions): LockOptions {
  const mode = opts.lock;
  return {
    ...(opts.strict !== undefined ? { strict: opts.strict } : {}),
    ...(opts.trustFirstDownload !== undefined ? { trustFirstDownload: opts.trustFirstDownload } : {}),
    ...(opts.platforms ? { platforms: opts.platforms } : {}),
    frozen: mode === "frozen",
    ...(typeof mode === "object" ? { update: mode.update === "all" ? "all" : new Set(mode.update) } : {}),
  };
}

/** `update` names tools of devenv.ts (else a usage error); `fresh` drops the version lists' TTL for this run. */
function lockContext(ctx: AppContext, project: ProjectConfig, mode: LockMode): AppContext {
  if (typeof mode !== "object") return ctx;
  const unknown = mode.update === "all" ? [] : mode.update.filter((t) => !project.tools.some((r) => r.name === t));
  if (unknown.length) {
    throw new DevenvError("USAGE", `not in devenv.ts: ${unknown.join(", ")}`, { hint: `Tools here: ${project.tools.map((t) => t.name).join(", ")}.` });
  }
  return mode.fresh ? { ...ctx, versionsTtl: 0 } : ctx;
}

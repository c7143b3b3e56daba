/**
 * What in the store is in use, and by whom: the devenv.lock of every live root (read now, not
 * trusted from the record), the store dirs that current activations point shells at, and the
 * pins of processes installing or activating right now.
 */
import { existsSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { CONFIG_FILE, LOCK_FILE } from "../../config/find.js";
import { LOCK_MAX_BYTES, parseLock } from "../../lock/format.js";
import type { LockFile } from "../../lock/types.js";
import type { PlatformKey } from "../../recipes/types.js";
import { decodeActivation } from "../../shell/activation.js";
import { activationsRoot, LAST_GOOD_FILE, scanActivationSites, type ActivationSite } from "../../state/activations.js";
import { lastGoodDirs } from "../../state/last-good.js";
import { readRoot, registerRoot, scanRoots, type RootRecord, type RootScan } from "../../state/roots.js";
import { artifactKeyDigest, keyOf, type InstalledTool, type InstallSpec } from "../../store/install.js";
import { entryName } from "../../store/layout.js";
import { pinEntries, type Pin } from "../../store/gc-lock.js";
import { touchUsed } from "../../store/usage.js";
import { readIfExists, readRegularFile } from "../../platform/fs.js";
import type { AppContext } from "../context.js";

/** The store entry (directory name) of every tool × platform a lock pins. */
export function lockEntryNames(lock: LockFile): string[] {
  const out: string[] = [];
  for (const [name, entry] of Object.entries(lock.tools)) {
    for (const [platform, artifact] of Object.entries(entry.platforms)) {
      if (!artifact) continue;
      out.push(entryName({ name, version: entry.version, platform: platform as PlatformKey, sha256: artifactKeyDigest(artifact), recipeRevision: entry.recipeRevision }));
    }
  }
  return out;
}

export interface References {
  /** Entry name → the projects (real paths) whose devenv.lock references it. */
  byLock: Map<string, Set<string>>;
  /** Entry name → the projects (paths as shells name them) whose current activation points into it. */
  byActivation: Map<string, Set<string>>;
  live: RootRecord[];
  /** Roots whose project or devenv.lock is gone (their records are dropped unless dryRun). */
  dropped: RootRecord[];
  /** Roots gc cannot judge (see RootScan.broken): gc stops unless told to forget them. */
  broken: RootScan["broken"];
  /** Roots whose devenv.lock could not be read: the entries they last used are kept instead. */
  unreadable: Array<{ path: string; reason: string }>;
  /** Cached activations of projects that no longer exist. */
  staleSites: ActivationSite[];
}

const add = (m: Map<string, Set<string>>, k: string, v: string) => {
  let s = m.get(k);
  if (!s) m.set(k, (s = new Set()));
  s.add(v);
};

export function collectReferences(ctx: AppContext, opts: { dryRun?: boolean; forget?: boolean } = {}): References {
  const { live, dropped, broken } = scanRoots(ctx.dirs.state, opts);
  const refs: References = { byLock: new Map(), byActivation: new Map(), live, dropped, broken, unreadable: [], staleSites: [] };
  for (const root of live) {
    const file = join(root.path, LOCK_FILE);
    try {
      const bytes = readRegularFile(file, LOCK_MAX_BYTES);
      if (!bytes) throw new Error(`${file} is gone`);
      for (const e of lockEntryNames(parseLock(bytes.toString("utf8"), file))) add(refs.byLock, e, root.path);
    } catch (e) {
      refs.unreadable.push({ path: root.path, reason: (e as Error).message });
      for (const name of root.entries ?? []) add(refs.byLock, name, root.path);
    }
  }
  for (const site of scanActivationSites(activationsRoot(ctx.dirs.state))) {
    if (!existsSync(join(site.root, CONFIG_FILE))) {
      refs.staleSites.push(site);
      continue;
    }
    for (const dir of activationDirs(site)) {
      if (dirname(dir) === ctx.dirs.store) add(refs.byActivation, basename(dir), site.root);
    }
  }
  return refs;
}

/**
 * The store dirs a project's cached activations point at: the current generation and the last good
 * one. A file removed meanwhile (a newer generation replaced it) names nothing; one that cannot be
 * read stops gc, which cannot tell what a shell uses.
 */
function activationDirs(site: ActivationSite): string[] {
  const out: string[] = [];
  for (const f of site.files) {
    const text = readIfExists(join(site.dir, f), { what: `the cached activation of ${site.root}`, hint: UNREADABLE_ACTIVATION });
    if (text === undefined) continue;
    if (f.endsWith(".act")) out.push(...(decodeActivation(text)?.dirs ?? []));
    else if (f === LAST_GOOD_FILE) out.push(...lastGoodDirs(text));
  }
  return out;
}

const UNREADABLE_ACTIVATION =
  "gc removes nothing while it cannot tell which tools a shell uses: fix its permissions, or remove the file (the next prompt in that project writes it again).";

/** Pin the store entries of these install specs until released (see store/gc-lock.ts). */
export function pinSpecs(ctx: AppContext, specs: InstallSpec[]): Promise<Pin> {
  return pinEntries(ctx.dirs.store, specs.map((s) => entryName(keyOf(s))), {
    onWait: () => ctx.reporter.info("waiting for 'devenv gc' to finish"),
  });
}

/**
 * After installing or activating: register the project as a root and stamp its entries as used
 * now — and the ones its previous lock used, which were in use until this moment.
 */
export async function recordUse(ctx: AppContext, realRoot: string, lockText: string, installed: InstalledTool[]): Promise<void> {
  const names = installed.map((t) => basename(t.dir));
  const before = readRoot(ctx.dirs.state, realRoot)?.entries ?? [];
  touchUsed(ctx.dirs.store, new Set([...before, ...names]));
  await registerRoot(ctx.dirs.state, realRoot, lockText, names);
}

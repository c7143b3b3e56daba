/**
 * GC roots: every project that installs or activates records itself here (real path, the hash of
 * the devenv.lock it used, when). `devenv gc` keeps what live roots' locks reference; a root whose
 * directory or devenv.lock is gone is dropped, and a moved project registers again at its new
 * path the next time it is used. One small JSON file per project, keyed by its real path.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { readIfExists, writeFileAtomic } from "../platform/fs.js";

export interface RootRecord {
  /** The project's real path. */
  path: string;
  /** sha256 of the devenv.lock content the project was last installed or activated with. */
  lockHash: string;
  /** ISO time of the last install or activation. */
  lastUsed: string;
  /** Store entries (directory names) it used then: gc's fallback when its devenv.lock cannot be read. */
  entries?: string[];
}

const rootsDir = (stateDir: string) => join(stateDir, "roots");
const rootFile = (stateDir: string, realRoot: string) =>
  join(rootsDir(stateDir), `${createHash("sha256").update(realRoot).digest("hex").slice(0, 32)}.json`);

export const lockHash = (lockText: string) => createHash("sha256").update(lockText).digest("hex");

/** A project's root record; undefined when there is none or it does not parse. One that cannot be read is an error. */
export function readRoot(stateDir: string, realRoot: string): RootRecord | undefined {
  const text = readIfExists(rootFile(stateDir, realRoot), { what: `the gc root record of ${realRoot}` });
  if (text === undefined) return undefined;
  try {
    const rec = JSON.parse(text) as RootRecord;
    return rec.path === realRoot ? rec : undefined;
  } catch {
    return undefined;
  }
}

/** Record (or refresh) a project as a root. */
export async function registerRoot(stateDir: string, realRoot: string, lockText: string, entries: string[] = [], now = new Date()): Promise<void> {
  const rec: RootRecord = { path: realRoot, lockHash: lockHash(lockText), lastUsed: now.toISOString(), entries };
  // Synced before the rename: a crash must not leave an empty record (gc would stop on it).
  await writeFileAtomic(rootFile(stateDir, realRoot), JSON.stringify(rec) + "\n", { fsync: true });
}

export interface RootScan {
  live: RootRecord[];
  /** Roots whose directory or devenv.lock no longer exists (their records are removed unless `dryRun`). */
  dropped: RootRecord[];
  /**
   * Records gc cannot judge: unreadable or malformed (`path` unknown), or a project that may exist but
   * cannot be looked at (EACCES, an unmounted home, an I/O error). Kept, and gc deletes nothing while
   * any is left, unless `forget` drops them.
   */
  broken: Array<{ file: string; path?: string; reason: string }>;
}

/** Is the project (dir + devenv.lock) there, gone, or not knowable? Only ENOENT/ENOTDIR mean gone. */
function projectState(path: string): "live" | "gone" | { error: string } {
  try {
    statSync(join(path, "devenv.lock"));
    return "live";
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return "gone";
    return { error: `${code ?? "error"}: ${(e as Error).message}` };
  }
}

/**
 * Every registered root; the ones whose project or devenv.lock is gone are dropped. A record that
 * cannot be read, or whose project cannot be looked at, is `broken` (with `forget`: dropped too).
 */
export function scanRoots(stateDir: string, opts: { dryRun?: boolean; forget?: boolean } = {}): RootScan {
  const out: RootScan = { live: [], dropped: [], broken: [] };
  let names: string[];
  try {
    names = readdirSync(rootsDir(stateDir)).filter((n) => n.endsWith(".json"));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") out.broken.push({ file: rootsDir(stateDir), reason: (e as Error).message });
    return out;
  }
  const remove = (file: string) => {
    if (!opts.dryRun) rmSync(file, { force: true });
  };
  for (const name of names.sort()) {
    const file = join(rootsDir(stateDir), name);
    let rec: RootRecord;
    try {
      rec = JSON.parse(readFileSync(file, "utf8")) as RootRecord;
      if (typeof rec !== "object" || rec === null || typeof rec.path !== "string" || typeof rec.lockHash !== "string") throw new Error("not a root record");
    } catch (e) {
      if (opts.forget) remove(file);
      else out.broken.push({ file, reason: (e as Error).message });
      continue;
    }
    const state = projectState(rec.path);
    if (state === "live") out.live.push(rec);
    else if (state === "gone" || opts.forget) {
      out.dropped.push(rec);
      remove(file);
    } else out.broken.push({ file, path: rec.path, reason: state.error });
  }
  return out;
}

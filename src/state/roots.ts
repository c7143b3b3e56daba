/**
 * GC roots: every project that installs or activates records itself here (real path, the hash of
 * the devenv.lock it used, when). `devenv gc` keeps what live roots' locks reference; a root whose
 * directory or devenv.lock is gone is dropped, and a moved project registers again at its new
 * path the next time it is used. One small JSON file per project, keyed by its real path.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../platform/fs.js";

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

export function readRoot(stateDir: string, realRoot: string): RootRecord | undefined {
  try {
    const rec = JSON.parse(readFileSync(rootFile(stateDir, realRoot), "utf8")) as RootRecord;
    return rec.path === realRoot ? rec : undefined;
  } catch {
    return undefined;
  }
}

/** Record (or refresh) a project as a root. */
export async function registerRoot(stateDir: string, realRoot: string, lockText: string, entries: string[] = [], now = new Date()): Promise<void> {
  const rec: RootRecord = { path: realRoot, lockHash: lockHash(lockText), lastUsed: now.toISOString(), entries };
  await writeFileAtomic(rootFile(stateDir, realRoot), JSON.stringify(rec) + "\n", { fsync: false });
}

export interface RootScan {
  live: RootRecord[];
  /** Roots whose directory or devenv.lock no longer exists (their records are removed unless `dryRun`). */
  dropped: RootRecord[];
}

/** Every registered root; the ones whose project or devenv.lock is gone are dropped. Unreadable records are ignored. */
export function scanRoots(stateDir: string, opts: { dryRun?: boolean } = {}): RootScan {
  const out: RootScan = { live: [], dropped: [] };
  let names: string[];
  try {
    names = readdirSync(rootsDir(stateDir)).filter((n) => n.endsWith(".json"));
  } catch {
    return out;
  }
  for (const name of names.sort()) {
    const file = join(rootsDir(stateDir), name);
    let rec: RootRecord;
    try {
      rec = JSON.parse(readFileSync(file, "utf8")) as RootRecord;
    } catch {
      continue;
    }
    if (typeof rec.path !== "string" || typeof rec.lockHash !== "string") continue;
    if (existsSync(join(rec.path, "devenv.lock"))) out.live.push(rec);
    else {
      out.dropped.push(rec);
      if (!opts.dryRun) rmSync(file, { force: true });
    }
  }
  return out;
}

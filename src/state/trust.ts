import { createHash } from "node:crypto";
import { mkdir, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { readIfExists, writeFileAtomic } from "../platform/fs.js";

/**
 * The trust store: one record per project (by real path) saying which content of its devenv.ts
 * the user allowed, or that they denied it. devenv.ts is code; nothing evaluates it unless
 * `trustOf` says "allowed" for the exact bytes about to be evaluated.
 */
export interface TrustRecord {
  path: string;
  status: "allow" | "deny";
  /**
   * The trust hash of what was allowed (or denied): see `trustHash`. For a devenv.ts that imports no
   * local file it is sha256(devenv.ts), as records made before imports were covered.
   */
  sha256: string;
  /** Each file that went into the config (relative to the project) and its sha256, to say which changed. */
  files?: Record<string, string>;
  time: string;
}

export type TrustState = "allowed" | "denied" | "changed" | "unknown";

export const contentHash = (content: string | Uint8Array) => createHash("sha256").update(content).digest("hex");

/**
 * One hash for every local file a config is made of: sha256 over (relative path, sha256 of content)
 * of each, in path order. A devenv.ts that imports nothing keeps sha256(devenv.ts) itself, so records
 * written before imports were covered (and `sha256sum devenv.ts`) still match.
 */
export function trustHash(files: ReadonlyArray<{ rel: string; sha256: string }>): string {
  if (files.length === 1) return files[0]!.sha256;
  const h = createHash("sha256").update("devenv-trust-v1\0");
  for (const f of [...files].sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0))) h.update(`${f.rel}\0${f.sha256}\0`);
  return h.digest("hex");
}

/** What differs between the files a record allowed and the files now; undefined if the record does not list them. */
export function changedFiles(rec: TrustRecord, now: ReadonlyArray<{ rel: string; sha256: string }>): { changed: string[]; added: string[]; removed: string[] } | undefined {
  if (!rec.files) return undefined;
  const was = new Map(Object.entries(rec.files));
  const changed = now.filter((f) => was.has(f.rel) && was.get(f.rel) !== f.sha256).map((f) => f.rel);
  const added = now.filter((f) => !was.has(f.rel)).map((f) => f.rel);
  const present = new Set(now.map((f) => f.rel));
  const removed = [...was.keys()].filter((r) => !present.has(r)).sort();
  return { changed, added, removed };
}

const recordFile = (stateDir: string, realRoot: string) =>
  join(stateDir, "trust", `${createHash("sha256").update(realRoot).digest("hex").slice(0, 32)}.json`);

/** Touched on every allow/deny/install: shells recheck projects they could not activate. */
export const stampFile = (stateDir: string) => join(stateDir, "stamp");

/**
 * The trust record of a project; undefined when there is none or it does not parse (then the
 * project is asked to be allowed again). A record that cannot be read is an error, not "none".
 */
export function readTrust(stateDir: string, realRoot: string): TrustRecord | undefined {
  const file = recordFile(stateDir, realRoot);
  const text = readIfExists(file, { what: `the trust record of ${realRoot}` });
  if (text === undefined) return undefined;
  try {
    const rec = JSON.parse(text) as TrustRecord;
    return rec.path === realRoot ? rec : undefined;
  } catch {
    return undefined;
  }
}

export function trustOf(stateDir: string, realRoot: string, sha256: string): TrustState {
  const rec = readTrust(stateDir, realRoot);
  if (!rec) return "unknown";
  if (rec.status === "deny") return "denied";
  return rec.sha256 === sha256 ? "allowed" : "changed";
}

export async function writeTrust(stateDir: string, realRoot: string, status: TrustRecord["status"], sha256: string, files?: Record<string, string>): Promise<void> {
  const rec: TrustRecord = { path: realRoot, status, sha256, ...(files ? { files } : {}), time: new Date().toISOString() };
  await writeFileAtomic(recordFile(stateDir, realRoot), JSON.stringify(rec, null, 2) + "\n", { fsync: false });
}

/** Mark "something the hook depends on changed" for every shell (their next prompt rechecks). */
export async function touchStamp(stateDir: string): Promise<void> {
  const file = stampFile(stateDir);
  const now = new Date();
  try {
    await utimes(file, now, now);
  } catch {
    await mkdir(stateDir, { recursive: true });
    await writeFile(file, "");
  }
}

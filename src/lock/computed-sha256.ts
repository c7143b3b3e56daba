/**
 * The sha256 of files devenv.lock pins by their integrity only (npm's dist.integrity, a sha512
 * checksum file), computed from bytes devenv verified against that integrity, recorded beside it:
 * a team cache addresses every artifact by its sha256 (an OCI blob digest). Pure.
 *
 * Recording adds no trust: the integrity stays what the file is checked against (and what the store
 * key is made of); the sha256 is checked too on every download, so a wrong one is refused, never used.
 */
import type { LockedArtifact, LockEntry, LockFile } from "./types.js";

/** A file's sha256, computed from the bytes verified against its integrity. */
export interface ComputedSha256 {
  url: string;
  integrity: string;
  sha256: string;
}

const HEX64 = /^[0-9a-f]{64}$/;
const keyOf = (f: { url: string; integrity: string }) => `${f.url}\0${f.integrity}`;

type LockedFile = Pick<LockedArtifact, "url" | "sha256" | "integrity">;

/**
 * `lock` with the sha256 of each file whose url and integrity match one of `found` and that records
 * no sha256 yet. An existing sha256 is never replaced (a wrong one is refused at download, with what
 * to do); a url+integrity given two different sha256 gets none. Returns `lock` itself when nothing
 * is added, else a copy (the input is not changed).
 */
export function withComputedSha256(lock: LockFile, found: readonly ComputedSha256[]): LockFile {
  const byFile = new Map<string, string | null>();
  for (const f of found) {
    if (!HEX64.test(f.sha256)) continue;
    const k = keyOf(f);
    const had = byFile.get(k);
    byFile.set(k, had === undefined || had === f.sha256 ? f.sha256 : null);
  }
  if (!byFile.size) return lock;
  const fill = <F extends LockedFile>(f: F): F => {
    if (f.sha256 !== undefined || f.integrity === undefined) return f;
    const sha256 = byFile.get(keyOf({ url: f.url, integrity: f.integrity }));
    return sha256 ? { ...f, sha256 } : f;
  };
  let changed = false;
  const tools: LockFile["tools"] = {};
  for (const [name, entry] of Object.entries(lock.tools)) {
    const platforms: LockEntry["platforms"] = {};
    let entryChanged = false;
    for (const [platform, a] of Object.entries(entry.platforms) as Array<[keyof LockEntry["platforms"], LockedArtifact | undefined]>) {
      if (!a) continue;
      const parts = a.parts?.map(fill);
      const main = fill(a);
      const partsChanged = parts !== undefined && parts.some((p, i) => p !== a.parts![i]);
      const next = partsChanged ? { ...main, parts } : main;
      if (next !== a) entryChanged = true;
      platforms[platform] = next;
    }
    tools[name] = entryChanged ? { ...entry, platforms } : entry;
    changed ||= entryChanged;
  }
  return changed ? { ...lock, tools } : lock;
}

/** Every sha256 a lock records beside an integrity (kept when an entry is locked again at the same files). */
export function recordedSha256(lock: LockFile): ComputedSha256[] {
  const out: ComputedSha256[] = [];
  const add = (f: LockedFile) => {
    if (f.sha256 !== undefined && f.integrity !== undefined) out.push({ url: f.url, integrity: f.integrity, sha256: f.sha256 });
  };
  for (const entry of Object.values(lock.tools)) {
    for (const a of Object.values(entry.platforms)) {
      if (!a) continue;
      add(a);
      for (const p of a.parts ?? []) add(p);
    }
  }
  return out;
}

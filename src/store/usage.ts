/**
 * When each store entry was last used: an empty file per entry under `<store>/.used/`, whose
 * mtime is the last install or activation that referenced it. `devenv gc --older-than` keeps
 * unreferenced entries used within that time. A few utimes per exec; never read on the hook path.
 * Entries used by `devenv x` / `devenv shell -p` (no project keeps them) get a second stamp under
 * `<store>/.used-temporary/`: a plain `devenv gc` keeps those for a short grace after their last use.
 */
import { closeSync, mkdirSync, openSync, readdirSync, rmSync, statSync, utimesSync } from "node:fs";
import { join } from "node:path";
import { entryHash } from "./entries.js";

const usedDir = (store: string, temporary = false) => join(store, temporary ? ".used-temporary" : ".used");

/** Stamp these entries (directory names) as used at `now`. Best effort: a read-only store is not an error. */
export function touchUsed(store: string, entries: Iterable<string>, now = new Date(), temporary = false): void {
  let made = false;
  for (const name of entries) {
    const hash = entryHash(name);
    if (!hash) continue;
    const file = join(usedDir(store, temporary), hash);
    try {
      utimesSync(file, now, now);
    } catch {
      try {
        if (!made) mkdirSync(usedDir(store, temporary), { recursive: true });
        made = true;
        closeSync(openSync(file, "a"));
        utimesSync(file, now, now);
      } catch {
        /* read-only store */
      }
    }
  }
}

/** Stamp entries used by `devenv x` / `devenv shell -p`: as used (touchUsed) and as temporarily used. */
export function touchTemporaryUse(store: string, entries: readonly string[], now = new Date()): void {
  touchUsed(store, entries, now);
  touchUsed(store, entries, now, true);
}

/** Last-use times (ms) by entry hash; `temporary`: the last use by `devenv x` / `devenv shell -p`. */
export function readUsed(store: string, temporary = false): Map<string, number> {
  const out = new Map<string, number>();
  let names: string[];
  try {
    names = readdirSync(usedDir(store, temporary));
  } catch {
    return out;
  }
  for (const name of names) {
    try {
      out.set(name, statSync(join(usedDir(store, temporary), name)).mtimeMs);
    } catch {
      /* removed meanwhile */
    }
  }
  return out;
}

export function removeUsed(store: string, hash: string): void {
  rmSync(join(usedDir(store), hash), { force: true });
  rmSync(join(usedDir(store, true), hash), { force: true });
}

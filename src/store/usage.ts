/**
 * When each store entry was last used: an empty file per entry under `<store>/.used/`, whose
 * mtime is the last install or activation that referenced it. `devenv gc --older-than` keeps
 * unreferenced entries used within that time. A few utimes per exec; never read on the hook path.
 */
import { closeSync, mkdirSync, openSync, readdirSync, rmSync, statSync, utimesSync } from "node:fs";
import { join } from "node:path";
import { entryHash } from "./entries.js";

const usedDir = (store: string) => join(store, ".used");

/** Stamp these entries (directory names) as used at `now`. Best effort: a read-only store is not an error. */
export function touchUsed(store: string, entries: Iterable<string>, now = new Date()): void {
  let made = false;
  for (const name of entries) {
    const hash = entryHash(name);
    if (!hash) continue;
    const file = join(usedDir(store), hash);
    try {
      utimesSync(file, now, now);
    } catch {
      try {
        if (!made) mkdirSync(usedDir(store), { recursive: true });
        made = true;
        closeSync(openSync(file, "a"));
        utimesSync(file, now, now);
      } catch {
        /* read-only store */
      }
    }
  }
}

/** Last-use times (ms) by entry hash. */
export function readUsed(store: string): Map<string, number> {
  const out = new Map<string, number>();
  let names: string[];
  try {
    names = readdirSync(usedDir(store));
  } catch {
    return out;
  }
  for (const name of names) {
    try {
      out.set(name, statSync(join(usedDir(store), name)).mtimeMs);
    } catch {
      /* removed meanwhile */
    }
  }
  return out;
}

export function removeUsed(store: string, hash: string): void {
  rmSync(join(usedDir(store), hash), { force: true });
}

/**
 * Files downloaded while locking (the first-download opt-in hashes a file no upstream hashed), kept
 * for the install that follows in the same process, so it does not fetch them again. Keyed by URL
 * and the sha256 that was locked; the install hashes the file again before unpacking it, as it
 * hashes a download. They live in one temp dir of the store (same filesystem: a rename moves them),
 * removed on exit, and by the CLI's signal handlers and removeStaleTemps like any temp dir.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { makeTempDir } from "./temp.js";

let dir: string | undefined;
let next = 0;
const kept = new Map<string, string>();
const key = (url: string, sha256: string) => `${url}\0${sha256}`;

/** A fresh path in this process's keep dir (created in `store` on first use). */
export function keptDownloadPath(store: string): string {
  if (dir === undefined) {
    dir = makeTempDir(store, "first-download");
    const d = dir;
    process.once("exit", () => rmSync(d, { recursive: true, force: true }));
  }
  return join(dir, `file-${next++}`);
}

export function keepDownload(url: string, sha256: string, path: string): void {
  kept.set(key(url, sha256), path);
}

/** The kept file for this URL and sha256, handed over once (the caller moves or removes it). */
export function takeKeptDownload(url: string, sha256: string): string | undefined {
  const k = key(url, sha256);
  const path = kept.get(k);
  kept.delete(k);
  return path;
}

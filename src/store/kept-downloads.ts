/**
 * Files downloaded while locking (the first-download opt-in hashes a file no upstream hashed), kept
 * for the install that follows in the same process, so it does not fetch them again. Keyed by URL
 * and the sha256 that was locked; the install hashes the file again before unpacking it, as it
 * hashes a download. They live in one temp dir of the store (same filesystem: a rename moves them),
 * removed on exit, and by the CLI's signal handlers and removeStaleTemps like any temp dir.
 */
import { linkSync, rmSync } from "node:fs";
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

let keepVerified = false;

/**
 * `install --push`: every download verified by an install in this process is also kept (a hard
 * link: no copy), so the push that follows uploads it without fetching it again.
 */
export function keepVerifiedDownloads(on: boolean): void {
  keepVerified = on;
}

/** After an install verified `file` (its download at `path`): keep a link to it when asked to. */
export function keepIfAsked(store: string, url: string, sha256: string | undefined, path: string): void {
  if (!keepVerified || sha256 === undefined) return;
  const to = keptDownloadPath(store);
  try {
    linkSync(path, to);
  } catch {
    return; // e.g. a filesystem without hard links: the push downloads it again
  }
  keepDownload(url, sha256, to);
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

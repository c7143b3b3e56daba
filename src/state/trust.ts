import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdir, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "../platform/fs.js";

/**
 * The trust store: one record per project (by real path) saying which content of its devenv.ts
 * the user allowed, or that they denied it. devenv.ts is code; nothing evaluates it unless
 * `trustOf` says "allowed" for the exact bytes about to be evaluated.
 */
export interface TrustRecord {
  path: string;
  status: "allow" | "deny";
  /** sha256 of the devenv.ts content that was allowed (or denied). */
  sha256: string;
  time: string;
}

export type TrustState = "allowed" | "denied" | "changed" | "unknown";

export const contentHash = (content: string | Uint8Array) => createHash("sha256").update(content).digest("hex");

const recordFile = (stateDir: string, realRoot: string) =>
  join(stateDir, "trust", `${createHash("sha256").update(realRoot).digest("hex").slice(0, 32)}.json`);

/** Touched on every allow/deny/install: shells recheck projects they could not activate. */
export const stampFile = (stateDir: string) => join(stateDir, "stamp");

export function readTrust(stateDir: string, realRoot: string): TrustRecord | undefined {
  try {
    const rec = JSON.parse(readFileSync(recordFile(stateDir, realRoot), "utf8")) as TrustRecord;
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

export async function writeTrust(stateDir: string, realRoot: string, status: TrustRecord["status"], sha256: string): Promise<void> {
  const rec: TrustRecord = { path: realRoot, status, sha256, time: new Date().toISOString() };
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

import { mkdirSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { pidAlive, randomId } from "../platform/fs.js";
import { listScratch } from "./entries.js";
import { TEMP_PREFIX } from "./layout.js";

/** Temp dirs this process is filling right now; removed on Ctrl-C by the CLI. */
const active = new Set<string>();

export function makeTempDir(store: string, tag: string): string {
  mkdirSync(store, { recursive: true });
  const dir = join(store, `${TEMP_PREFIX}${tag}-${process.pid}-${randomId(4)}`);
  mkdirSync(dir, { mode: 0o755 });
  active.add(dir);
  return dir;
}

export async function removeTempDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true, maxRetries: 3 });
  active.delete(dir);
}

/** For signal handlers: synchronously remove this process's unfinished temp dirs. */
export function removeActiveTempsSync(): void {
  for (const dir of active) rmSync(dir, { recursive: true, force: true });
  active.clear();
}

/** Remove temp dirs left by processes that died mid-install (kill -9, power loss). */
export async function removeStaleTemps(store: string): Promise<string[]> {
  const removed: string[] = [];
  for (const t of listScratch(store)) {
    if (t.kind !== "temp" || t.pid === process.pid || pidAlive(t.pid)) continue;
    await rm(t.dir, { recursive: true, force: true });
    removed.push(t.name);
  }
  await removeDeadLocks(store);
  return removed;
}

/** Lock files of dead owners (a waiter would take them over anyway). */
export async function removeDeadLocks(store: string): Promise<void> {
  const locks = join(store, ".locks");
  let lockNames: string[] = [];
  try {
    lockNames = readdirSync(locks);
  } catch {
    /* none */
  }
  for (const name of lockNames) {
    const pid = Number.parseInt(readFileSafe(join(locks, name)), 10);
    if (Number.isInteger(pid) && pid !== process.pid && !pidAlive(pid)) await rm(join(locks, name), { force: true });
  }
}

function readFileSafe(p: string): string {
  try {
    return readFileSync(p, "utf8");
  } catch {
    return "";
  }
}

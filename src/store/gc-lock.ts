/**
 * gc and installs running at the same time. A process about to use store entries (install, exec,
 * the hook's refresh) first writes a pin naming them, then waits while a gc is sweeping. gc takes
 * the store's gc lock, then reads the pins, and keeps every pinned entry. Either gc read the pin
 * (the entries survive), or the pin was written after gc had taken its lock, and the user waits
 * until the sweep is over and then finds (or reinstalls) what it needs. The pin is removed once
 * the project is registered as a root, which protects the entries from then on.
 */
import { readFileSync, readdirSync, rmSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { acquireLock, type FileLock } from "../platform/filelock.js";
import { pidAlive, randomId } from "../platform/fs.js";

const pinsDir = (store: string) => join(store, ".pins");
export const gcLockPath = (store: string) => join(store, ".locks", "gc.lock");

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Pin {
  release(): Promise<void>;
}

/** This process's pins; removed on Ctrl-C by the CLI (a dead process's pins are ignored anyway). */
const activePins = new Set<string>();

export function removeActivePinsSync(): void {
  for (const f of activePins) rmSync(f, { force: true });
  activePins.clear();
}

/** Pin entries (directory names) for this process, then wait until no gc is sweeping. */
export async function pinEntries(store: string, entries: string[], opts: { onWait?: () => void } = {}): Promise<Pin> {
  const file = join(pinsDir(store), `${process.pid}-${randomId(4)}.json`);
  await mkdir(pinsDir(store), { recursive: true });
  await writeFile(file, JSON.stringify(entries));
  activePins.add(file);
  const pin: Pin = {
    release: async () => {
      await rm(file, { force: true });
      activePins.delete(file);
    },
  };
  try {
    await waitForGc(store, opts.onWait);
  } catch (e) {
    await pin.release();
    throw e;
  }
  return pin;
}

/** Returns when no live process holds the gc lock (a dead holder's lock does not count). */
async function waitForGc(store: string, onWait?: () => void): Promise<void> {
  let told = false;
  let delay = 20;
  for (;;) {
    // An empty lock file is a gc that has not read the pins yet: it will see ours.
    const owner = readPid(gcLockPath(store));
    if (owner === undefined || !pidAlive(owner)) return;
    if (!told) {
      told = true;
      onWait?.();
    }
    await sleep(delay);
    delay = Math.min(delay * 2, 200);
  }
}

/** The gc lock: one gc at a time; installs wait for it (see pinEntries). */
export function acquireGcLock(store: string, onWait?: () => void): Promise<FileLock> {
  return acquireLock(gcLockPath(store), onWait ? { onWait } : {});
}

/** Entries pinned by live processes; pins of dead processes are removed unless `dryRun`. */
export function readPins(store: string, opts: { dryRun?: boolean } = {}): Set<string> {
  const out = new Set<string>();
  let names: string[];
  try {
    names = readdirSync(pinsDir(store));
  } catch {
    return out;
  }
  for (const name of names) {
    const file = join(pinsDir(store), name);
    const pid = Number.parseInt(name, 10);
    if (!pidAlive(pid)) {
      if (!opts.dryRun) rmSync(file, { force: true });
      continue;
    }
    try {
      for (const e of JSON.parse(readFileSync(file, "utf8")) as unknown[]) if (typeof e === "string") out.add(e);
    } catch {
      // A pin being written right now reads as empty: it is before its writer's gc check, which will wait for us.
    }
  }
  return out;
}

/** Install locks held by live processes: the hashes of entries being installed right now. */
export function heldInstallLocks(store: string): Set<string> {
  const out = new Set<string>();
  let names: string[];
  try {
    names = readdirSync(join(store, ".locks"));
  } catch {
    return out;
  }
  for (const name of names) {
    const m = /^([0-9a-z]{32})\.lock$/.exec(name);
    if (!m) continue;
    const pid = readPid(join(store, ".locks", name));
    // An empty lock file is one being written: treat it as held.
    if (pid === -1 || (pid !== undefined && pidAlive(pid))) out.add(m[1]!);
  }
  return out;
}

function readPid(file: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isNaN(pid) ? -1 : pid;
}

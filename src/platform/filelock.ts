import { open, readFile, rm, mkdir, rename } from "node:fs/promises";
import { dirname } from "node:path";
import { pidAlive, randomId } from "./fs.js";

export interface FileLock {
  release(): Promise<void>;
}

/** The lock is held by a live process and `timeoutMs` passed. */
export class LockBusyError extends Error {
  constructor(
    readonly path: string,
    readonly owner: number | undefined,
  ) {
    super(`timed out waiting for lock ${path}${owner !== undefined ? ` (held by pid ${owner})` : ""}`);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * An exclusive lock held by this process: a file created with O_EXCL holding our pid.
 * A lock whose owner died (kill -9) is taken over; `ownerAlive` may be stricter than "the pid
 * exists" (a pid file outliving a reboot can name an unrelated process). Waits (polling) until it is free.
 */
export async function acquireLock(
  path: string,
  opts: { onWait?: () => void; timeoutMs?: number; ownerAlive?: (pid: number) => boolean } = {},
): Promise<FileLock> {
  const alive = opts.ownerAlive ?? pidAlive;
  await mkdir(dirname(path), { recursive: true });
  const deadline = Date.now() + (opts.timeoutMs ?? 30 * 60_000);
  let waited = false;
  let delay = 20;
  for (;;) {
    try {
      const fh = await open(path, "wx", 0o644);
      await fh.writeFile(`${process.pid}\n`);
      await fh.close();
      let released = false;
      return {
        async release() {
          if (released) return;
          released = true;
          await rm(path, { force: true });
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    const owner = await readOwner(path);
    if (owner !== undefined && !alive(owner)) {
      // Steal a dead owner's lock: move it aside first so two stealers cannot both win.
      const aside = `${path}.stale-${process.pid}-${randomId()}`;
      try {
        await rename(path, aside);
        const again = await readOwner(aside);
        if (again === owner) {
          await rm(aside, { force: true });
        } else {
          // Someone re-took it between our read and our rename: put it back.
          await rename(aside, path).catch(() => rm(aside, { force: true }));
        }
      } catch {
        /* someone else moved it */
      }
      continue;
    }
    if (!waited) {
      waited = true;
      opts.onWait?.();
    }
    if (Date.now() > deadline) throw new LockBusyError(path, owner);
    await sleep(delay);
    delay = Math.min(delay * 2, 250);
  }
}

async function readOwner(path: string): Promise<number | undefined> {
  try {
    const text = await readFile(path, "utf8");
    const pid = Number.parseInt(text.trim(), 10);
    // An empty file is a lock being written right now: treat as alive.
    return Number.isNaN(pid) ? undefined : pid;
  } catch {
    return undefined;
  }
}

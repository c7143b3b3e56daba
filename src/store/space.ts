/**
 * Disk space for installs: what the store's filesystem has free, the reserve an install leaves
 * free there, the explicit cap `DEVENV_UNPACK_LIMIT`, and a guard that charges every byte written
 * (download and unpacked files) against both, so an archive that unpacks to more than the disk
 * holds stops with a clear error instead of filling it.
 */
import { statfsSync } from "node:fs";
import { DevenvError } from "../errors.js";

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

/** Bytes free for this user, the filesystem's size and its free inodes, or undefined if statfs fails. */
export function fsSpace(dir: string): { free: number; total: number; freeInodes: number; inodes: number } | undefined {
  try {
    const s = statfsSync(dir);
    return { free: s.bavail * s.bsize, total: s.blocks * s.bsize, freeInodes: s.ffree, inodes: s.files };
  } catch {
    return undefined;
  }
}

/** DEVENV_MIN_FREE: what an install must leave free ("0": nothing); undefined when unset (the default rule). */
export function minFreeSetting(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env.DEVENV_MIN_FREE?.trim();
  if (raw === undefined || raw === "") return undefined;
  const n = raw === "0" ? 0 : parseSize(raw);
  if (n === undefined) {
    throw new DevenvError("USAGE", `DEVENV_MIN_FREE: '${raw}' is not a size`, {
      hint: "Give a size like 200M, 1G or 0 (nothing kept free), or unset it (default: 5 % of the filesystem, at most 1 GiB).",
    });
  }
  return n;
}

/** What an install leaves free on a filesystem of `total` bytes: the setting, else 5 % of it, at most 1 GiB. */
export const reserveFor = (total: number, minFree: number | undefined): number => minFree ?? Math.min(GiB, Math.floor(total * 0.05));

/** A size with a unit that shows it at every scale: 512 bytes, 3.5 kB, 640 kB, 1.2 MB, 2.0 GB (binary units). */
export function formatBytes(n: number): string {
  if (n >= GiB) return `${(n / GiB).toFixed(1)} GB`;
  if (n >= MiB) return `${(n / MiB).toFixed(1)} MB`;
  if (n >= 10 * KiB) return `${(n / KiB).toFixed(0)} kB`;
  if (n >= KiB) return `${(n / KiB).toFixed(1)} kB`;
  return `${n} bytes`;
}

/** "2G", "500M", "64k", "1048576" (binary units, case-insensitive, optional "B"/"iB"). */
export function parseSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$/i.exec(text);
  if (!m) return undefined;
  const unit = { "": 1, k: KiB, m: MiB, g: GiB, t: 1024 * GiB }[m[2]!.toLowerCase() as "" | "k" | "m" | "g" | "t"];
  const n = Math.floor(Number(m[1]) * unit);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

/** DEVENV_UNPACK_LIMIT: the most one store entry may unpack to; unset (or "none") = only the free-space rule. */
export function unpackCap(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env.DEVENV_UNPACK_LIMIT;
  if (raw === undefined || raw.trim() === "" || raw.trim().toLowerCase() === "none") return undefined;
  const n = parseSize(raw);
  if (n === undefined) {
    throw new DevenvError("USAGE", `DEVENV_UNPACK_LIMIT: '${raw}' is not a size`, {
      hint: "Give a size like 4G, 500M or a number of bytes, or unset it (the default stops an install before it leaves the disk almost full).",
    });
  }
  return n;
}

/** The disk is (nearly) full: what was being written, where, how much is free, what to do. */
export function noSpaceError(what: string, dir: string, cause?: unknown): DevenvError {
  const space = fsSpace(dir);
  // Some filesystems run out of inodes (files) before bytes: say so when that is the case.
  const inodes = space && space.inodes > 0 && space.freeInodes < 64 ? `, ${space.freeInodes} free inodes` : "";
  const free = space ? `${formatBytes(space.free)} free${inodes}` : "free space unknown";
  return new DevenvError("IO", `${what}: no space left in ${dir} (${free} on that filesystem)`, {
    ...(cause !== undefined ? { cause } : {}),
    hint: "Nothing was installed. Free disk space (e.g. 'devenv gc' removes unused store entries) and run the command again.",
  });
}

/**
 * Charges written bytes against the explicit cap (if any) and the free space of `dir`'s
 * filesystem, which must stay above the reserve. statfs runs at most every 32 MiB written (and
 * every 1000 entries), never letting more through between two calls than the free space above the
 * reserve at the last one.
 */
export class SpaceGuard {
  /** Bytes charged so far. */
  written = 0;
  private nextCheck = 0;
  private entries = 0;

  /**
   * @param label e.g. "zig 0.13.0: unpacking" — starts each error message.
   * @param cap the most that may be charged (DEVENV_UNPACK_LIMIT), undefined for none.
   */
  /** DEVENV_MIN_FREE, read (and a bad value refused) before anything is written. */
  private readonly minFree = minFreeSetting();

  /**
   * Bytes charged but not yet on the disk (a worker thread writes them later): statfs does not see
   * them, so they are taken off the room it reports. Set by the tree writer that owns them.
   */
  unwritten: (() => number) | undefined;

  constructor(readonly dir: string, private readonly label: string, private readonly cap: number | undefined) {}

  /** Call before writing `n` bytes (or with 0 for a new directory/link/empty file entry). */
  charge(n: number): void {
    this.written += n;
    if (this.cap !== undefined && this.written > this.cap) {
      throw new DevenvError("ARCHIVE", `${this.label}: stopped after ${formatBytes(this.written - n)} written: more than DEVENV_UNPACK_LIMIT (${formatBytes(this.cap)})`, {
        hint: "Nothing was installed. If the tool really is this large, raise DEVENV_UNPACK_LIMIT (e.g. DEVENV_UNPACK_LIMIT=20G) or unset it.",
      });
    }
    if (n === 0 && ++this.entries % 1000 !== 0) return;
    if (this.written < this.nextCheck && n !== 0) return;
    this.check(n);
  }

  private check(n: number): void {
    const space = fsSpace(this.dir);
    if (!space) {
      this.nextCheck = Number.POSITIVE_INFINITY;
      return;
    }
    const reserve = reserveFor(space.total, this.minFree);
    const room = space.free - reserve - n - (this.unwritten?.() ?? 0);
    if (room < 0) {
      throw new DevenvError("IO", `${this.label}: stopped after ${formatBytes(this.written - n)} written to ${this.dir}: ${formatBytes(space.free)} is free on that filesystem and devenv leaves at least ${formatBytes(reserve)} free`, {
        hint: "Nothing was installed. Free disk space (e.g. 'devenv gc' removes unused store entries) and run the command again, put the store on a bigger disk (DEVENV_HOME), or let devenv fill the disk further (DEVENV_MIN_FREE=100M).",
      });
    }
    this.nextCheck = this.written + Math.min(32 * MiB, room);
  }
}

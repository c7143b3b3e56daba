/**
 * The filesystem half of unpacking: the steps TreeWriter (extract-tree.ts) decided on, run in
 * order against the entry's private temp dir. Used in the installing thread and, for large tars,
 * in worker threads (tree-worker.ts), so it imports nothing but Node built-ins. Every check of an
 * entry's path (escapes, symlinks, modes) is the writer's; this only writes.
 *
 * While steps run, the tree holds only directories and regular files (the writer creates the
 * archive's symlinks after every step finished), so no step can pass through a symlink; files are
 * created with O_EXCL, so a step never writes into a file another step made.
 */
import { createHash, type Hash } from "node:crypto";
import { chmodSync, closeSync, constants, fchmodSync, linkSync, mkdirSync, openSync, unlinkSync, writeSync } from "node:fs";
import { join } from "node:path";

/** One step. `rel` is relative to the root; `mode` is already normalised (safeMode). */
export type TreeOp =
  | { k: "dir"; rel: string; mode: number | undefined }
  | { k: "open"; id: number; rel: string; mode: number; replace: boolean }
  | { k: "data"; id: number; chunk: Uint8Array }
  | { k: "close"; id: number }
  | { k: "link"; rel: string; target: string; replace: boolean };

/** What a closed file hashed to (its bytes as written). */
export interface ClosedFile {
  id: number;
  sha256: string;
}

/** The first failed step: the entry it was for and the fs error's code and message. */
export interface OpFailure {
  rel: string;
  code: string | undefined;
  message: string;
}

const CREATE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL;

export class TreeOps {
  /** Directories known to exist (relative; "" is the root). */
  private readonly made = new Set<string>([""]);
  private readonly open = new Map<number, { fd: number; hash: Hash; rel: string }>();
  /** The first failure; every later step is skipped. */
  failure: OpFailure | undefined;

  /** `umask`: the process's, so that a mode open() already gets right is not set again. */
  constructor(private readonly root: string, private readonly umask: number) {}

  /** Run one step; a closed file's digest is passed to `closed`. Never throws: see `failure`. */
  run(op: TreeOp, closed: (c: ClosedFile) => void): void {
    if (this.failure) return;
    const rel = op.k === "data" || op.k === "close" ? this.open.get(op.id)?.rel ?? "?" : op.rel;
    try {
      switch (op.k) {
        case "dir":
          this.mkdirs(op.rel);
          if (op.mode !== undefined) chmodSync(join(this.root, op.rel), op.mode);
          return;
        case "open": {
          this.mkdirs(parentOf(op.rel));
          const abs = join(this.root, op.rel);
          if (op.replace) unlinkQuiet(abs);
          const fd = openSync(abs, CREATE, op.mode);
          this.open.set(op.id, { fd, hash: createHash("sha256"), rel: op.rel });
          // open() applied the umask: set the bits it took away (only then: a syscall per file).
          if ((op.mode & this.umask) !== 0) fchmodSync(fd, op.mode);
          return;
        }
        case "data": {
          const f = this.open.get(op.id)!;
          const c = op.chunk;
          for (let off = 0; off < c.length; ) off += writeSync(f.fd, c, off, c.length - off);
          // Hashed as it is written: the receipt gets each file's digest without reading it again.
          f.hash.update(c);
          return;
        }
        case "close": {
          const f = this.open.get(op.id)!;
          this.open.delete(op.id);
          closeSync(f.fd);
          closed({ id: op.id, sha256: f.hash.digest("hex") });
          return;
        }
        case "link": {
          this.mkdirs(parentOf(op.rel));
          const abs = join(this.root, op.rel);
          if (op.replace) unlinkQuiet(abs);
          linkSync(join(this.root, op.target), abs);
          return;
        }
      }
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      this.failure = { rel, code: err?.code, message: err?.message ?? String(e) };
    }
  }

  /** Close every file still open (after a failure, or when the unpack was abandoned). */
  closeAll(): void {
    for (const f of this.open.values()) {
      try {
        closeSync(f.fd);
      } catch {
        /* already failing */
      }
    }
    this.open.clear();
  }

  private mkdirs(rel: string): void {
    if (this.made.has(rel)) return;
    // Recursive: another thread may have made it (or a part of it) meanwhile; a file in the way is
    // still an error (EEXIST/ENOTDIR).
    mkdirSync(join(this.root, rel), { recursive: true, mode: 0o755 });
    for (let d = rel; d !== "" && !this.made.has(d); d = parentOf(d)) this.made.add(d);
  }
}

export const parentOf = (rel: string): string => {
  const i = rel.lastIndexOf("/");
  return i < 0 ? "" : rel.slice(0, i);
};

/** Remove a file an earlier entry (or a hardlink) put at this path; already gone is fine. */
function unlinkQuiet(abs: string): void {
  try {
    unlinkSync(abs);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
}

import { createHash } from "node:crypto";
import { chmodSync, closeSync, linkSync, lstatSync, mkdirSync, openSync, renameSync, symlinkSync, unlinkSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { checkSymlink, entryTarget, safeMode, unsafeEntry } from "./safe-path.js";
import type { SpaceGuard } from "./space.js";
import { entryFsError, type UnpackWhere } from "./unpack-errors.js";

export interface FileRecord {
  path: string;
  type: "file" | "dir" | "symlink";
  size?: number;
  mode?: number;
  target?: string;
  /** Hex sha256 of a regular file's content (receipts written before it existed have none). */
  sha256?: string;
}

/**
 * Writes archive entries under `root`, refusing anything that would land outside it: `..`,
 * absolute paths, writes through a symlink, symlinks and hardlinks that point outside.
 * Permissions are normalised (no setuid/setgid/sticky, no group/other write). Every byte is
 * charged to the guard first (the unpacked-size limit). An fs error names the entry.
 * Synchronous file writes: unpacking is disk-bound and this avoids a stream per file.
 */
export class TreeWriter {
  readonly files: FileRecord[] = [];
  /** Symlinks created so far: path → target. */
  private readonly symlinks = new Map<string, string>();
  private readonly made = new Set<string>([""]);
  /** Regular files written so far: path → record (a hardlink copies its target's digest). */
  private readonly regular = new Map<string, FileRecord>();

  private readonly archive: string;

  constructor(
    private readonly root: string,
    private readonly where: UnpackWhere,
    private readonly strip: number,
    private readonly guard?: SpaceGuard,
  ) {
    this.archive = where.archive;
    mkdirSync(root, { recursive: true, mode: 0o755 });
  }

  target(raw: string): string | null {
    return entryTarget(this.archive, raw, this.strip);
  }

  /** Run an fs step for entry `rel`, turning its errno into a clear error naming the entry. */
  private fs<T>(rel: string, step: () => T): T {
    try {
      return step();
    } catch (e) {
      throw entryFsError(e, this.where, rel);
    }
  }

  dir(rel: string, mode?: number): void {
    this.guard?.charge(0);
    this.fs(rel, () => {
      this.ensureParents(rel, true);
      this.mkdir(rel);
      if (mode !== undefined) chmodSync(join(this.root, rel), safeMode(mode, 0o755) | 0o700);
    });
    this.files.push({ path: rel, type: "dir" });
  }

  /** Open a regular file for writing; returns a writer that is fed chunks and then closed. */
  file(rel: string, mode: number | undefined): { write(chunk: Uint8Array): void; close(): void } {
    this.guard?.charge(0);
    return this.fs(rel, () => this.openFile(rel, mode));
  }

  private openFile(rel: string, mode: number | undefined): { write(chunk: Uint8Array): void; close(): void } {
    this.ensureParents(rel, false);
    const abs = join(this.root, rel);
    if (this.symlinks.has(rel)) throw unsafeEntry(this.archive, rel, "overwrites a symlink");
    // A later entry for the same path replaces the file (as tar does) rather than writing into a
    // hardlink's shared inode, which would change the other name too and stale its digest.
    const earlier = this.regular.get(rel);
    if (earlier) {
      unlinkSync(abs);
      this.files.splice(this.files.indexOf(earlier), 1);
      this.regular.delete(rel);
    }
    const fd = openSync(abs, "w", safeMode(mode, 0o644));
    let size = 0;
    // Hashed as it is written: the receipt gets each file's digest without reading it again.
    const hash = createHash("sha256");
    const rec: FileRecord = { path: rel, type: "file", mode: safeMode(mode, 0o644) };
    const guard = this.guard;
    return {
      write: (chunk) => {
        guard?.charge(chunk.length);
        this.fs(rel, () => {
          let off = 0;
          while (off < chunk.length) off += writeSync(fd, chunk, off, chunk.length - off);
        });
        hash.update(chunk);
        size += chunk.length;
      },
      close: () => {
        this.fs(rel, () => {
          closeSync(fd);
          // open() applies the umask; set the normalised permission bits.
          chmodSync(abs, safeMode(mode, 0o644));
        });
        rec.size = size;
        rec.sha256 = hash.digest("hex");
        this.files.push(rec);
        this.regular.set(rel, rec);
      },
    };
  }

  /** Move an already verified file (a raw download) into the tree as `rel`. */
  adopt(rel: string, src: string, mode: number, size: number, sha256: string): void {
    this.guard?.charge(0);
    this.fs(rel, () => {
      this.ensureParents(rel, false);
      renameSync(src, join(this.root, rel));
      chmodSync(join(this.root, rel), safeMode(mode, 0o644));
    });
    const rec: FileRecord = { path: rel, type: "file", size, mode: safeMode(mode, 0o644), sha256 };
    this.files.push(rec);
    this.regular.set(rel, rec);
  }

  symlink(rel: string, target: string): void {
    checkSymlink(this.archive, rel, target);
    this.guard?.charge(0);
    this.fs(rel, () => {
      this.ensureParents(rel, false);
      symlinkSync(target, join(this.root, rel));
    });
    this.symlinks.set(rel, target);
    this.files.push({ path: rel, type: "symlink", target });
  }

  hardlink(rel: string, rawTarget: string): void {
    const target = entryTarget(this.archive, rawTarget, this.strip);
    if (target === null) throw unsafeEntry(this.archive, rel, `hardlink to '${rawTarget}' outside the unpacked tree`);
    this.guard?.charge(0);
    this.fs(rel, () => this.ensureParents(target, false));
    let st;
    try {
      st = lstatSync(join(this.root, target));
    } catch {
      throw unsafeEntry(this.archive, rel, `hardlink to '${rawTarget}', which is not in the archive before it`);
    }
    if (!st.isFile()) throw unsafeEntry(this.archive, rel, `hardlink to '${rawTarget}', which is not a regular file`);
    this.fs(rel, () => {
      this.ensureParents(rel, false);
      linkSync(join(this.root, target), join(this.root, rel));
    });
    const digest = this.regular.get(target)?.sha256;
    const rec: FileRecord = { path: rel, type: "file", size: st.size, mode: st.mode & 0o777, ...(digest !== undefined ? { sha256: digest } : {}) };
    this.files.push(rec);
    this.regular.set(rel, rec);
  }

  /**
   * After unpacking: resolve every symlink through the others (as the kernel would) and refuse the
   * archive if any ends up outside the install root. A later link can change where an earlier one
   * points (`sub/up -> ..` makes `esc -> sub/up/..` escape), so this runs on the final tree. With
   * strip "auto", `within` is the lone top directory that becomes the install root: a link must
   * stay inside it (`top/up -> ..` would point at the store once `top` is lifted).
   */
  checkSymlinks(within = ""): void {
    const floor = within ? within.split("/").length : 0;
    for (const [link, target] of this.symlinks) {
      const dir = link.split("/").slice(0, -1);
      if (this.resolve(dir, target, 0, floor) === null) {
        throw unsafeEntry(this.archive, link, `symlink '${target}' resolves outside the install directory`);
      }
    }
  }

  /** Path components of `target` resolved from `from`, or null if it climbs above `floor` components (escapes). */
  private resolve(from: string[], target: string, depth: number, floor: number): string[] | null {
    if (target.startsWith("/") || depth > 40) return null;
    let parts = [...from];
    for (const comp of target.split("/")) {
      if (comp === "" || comp === ".") continue;
      if (comp === "..") {
        if (parts.length <= floor) return null;
        parts.pop();
        continue;
      }
      parts.push(comp);
      const via = this.symlinks.get(parts.join("/"));
      if (via !== undefined) {
        const resolved = this.resolve(parts.slice(0, -1), via, depth + 1, floor);
        if (resolved === null) return null;
        parts = resolved;
      }
    }
    return parts;
  }

  /** Parent directories must not be symlinks (that would let an entry write through them). */
  private ensureParents(rel: string, includeSelf: boolean): void {
    const parts = rel.split("/");
    const upto = includeSelf ? parts.length : parts.length - 1;
    let cur = "";
    for (let i = 0; i < upto; i++) {
      cur = cur ? `${cur}/${parts[i]}` : parts[i]!;
      if (this.symlinks.has(cur)) throw unsafeEntry(this.archive, rel, `path goes through the symlink '${cur}'`);
      this.mkdir(cur);
    }
  }

  private mkdir(rel: string): void {
    if (this.made.has(rel)) return;
    mkdirSync(join(this.root, rel), { recursive: true, mode: 0o755 });
    this.made.add(rel);
    // Remember intermediate dirs too.
    for (let d = dirname(rel); d !== "." && !this.made.has(d); d = dirname(d)) this.made.add(d);
  }
}

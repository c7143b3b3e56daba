import { chmodSync, lstatSync, mkdirSync, renameSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { InThreadLane, WorkerLane, type Lane, type LaneEvents } from "./tree-lane.js";
import { parentOf } from "./tree-ops.js";
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
 *
 * Every decision (paths, clashes between entries, modes) is taken here, in archive order; the
 * writing itself runs as steps (tree-ops.ts) in lanes: in this thread, or for a large tar in worker
 * threads that create, write and hash files while this thread parses. A file's steps stay in one
 * lane, chosen by its directory (a path's entries, and a hardlink with its target, share a lane).
 * The archive's symlinks are made by `finish`, after every file: no step can pass through one.
 * Call `finish` once all entries are written (it reports the first failed step), and `dispose`
 * in any case.
 */
export class TreeWriter {
  readonly files: FileRecord[] = [];
  /** Symlinks so far: path → target (made on disk by finish). */
  private readonly symlinks = new Map<string, string>();
  /** Directories so far, explicit and implied. */
  private readonly made = new Set<string>([""]);
  /** Regular files (and hardlinks) so far: path → record and the lane its steps ran in. */
  private readonly regular = new Map<string, { rec: FileRecord; lane: Lane }>();
  /** Hardlinks whose digest is their target's (known once the target's lane hashed it). */
  private readonly links: Array<[FileRecord, FileRecord]> = [];
  private readonly byId = new Map<number, FileRecord>();
  private readonly lanes: Lane[];
  private nextId = 0;
  /** The first failed step, as the error to throw. */
  private failure: unknown;
  /** Bytes in flight above which `congested` says to stop feeding. */
  private static readonly HIGH_WATER = 64 << 20;
  private readonly drainWaiters: Array<() => void> = [];
  private done = false;

  private readonly archive: string;

  /** `threads`: worker lanes to write with (0: write in this thread). */
  constructor(
    private readonly root: string,
    private readonly where: UnpackWhere,
    private readonly strip: number,
    private readonly guard?: SpaceGuard,
    threads = 0,
  ) {
    this.archive = where.archive;
    const umask = processUmask();
    const on: LaneEvents = {
      closed: (c) => {
        const rec = this.byId.get(c.id);
        this.byId.delete(c.id);
        if (rec) rec.sha256 = c.sha256;
      },
      failed: (f) => {
        this.failure ??= entryFsError(Object.assign(new Error(f.message), { code: f.code }), this.where, f.rel);
        this.drained();
      },
      progress: () => {
        if (!this.congested) this.drained();
      },
    };
    this.lanes = threads > 0 ? Array.from({ length: threads }, () => new WorkerLane(root, umask, on)) : [new InThreadLane(root, umask, on)];
    if (guard && threads > 0) guard.unwritten = () => this.unwritten();
  }

  /** Bytes charged to the guard that the lanes have not written yet. */
  private unwritten(): number {
    let n = 0;
    for (const l of this.lanes) n += l.pending;
    return n;
  }

  target(raw: string): string | null {
    return entryTarget(this.archive, raw, this.strip);
  }

  /**
   * The root is made with the first entry (or by finish), not by the constructor: a writer whose
   * threads start during the download leaves nothing but the download in the temp dir until the
   * bytes verified.
   */
  private rootMade = false;
  private ensureRoot(): void {
    if (this.rootMade) return;
    mkdirSync(this.root, { recursive: true, mode: 0o755 });
    this.rootMade = true;
  }

  /** True while the lanes hold more unwritten bytes than they should: stop feeding until `whenDrained`. */
  get congested(): boolean {
    return this.unwritten() > TreeWriter.HIGH_WATER && this.failure === undefined;
  }

  /** Resolves once `congested` is false (or a step failed). */
  whenDrained(): Promise<void> {
    if (!this.congested) return Promise.resolve();
    return new Promise((r) => this.drainWaiters.push(r));
  }

  private drained(): void {
    for (const w of this.drainWaiters.splice(0)) w();
  }

  /** Hand queued steps to worker lanes that are idle (after each piece of input). */
  flush(): void {
    for (const l of this.lanes) l.flush(false);
  }

  /** A failed step (in any lane) stops the unpack at the next entry or chunk. */
  private check(): void {
    if (this.failure !== undefined) throw this.failure;
  }

  /** The lane of a new entry at `rel`: its directory's. */
  private laneFor(rel: string): Lane {
    if (this.lanes.length === 1) return this.lanes[0]!;
    const dir = parentOf(rel);
    let h = 0;
    for (let i = 0; i < dir.length; i++) h = (Math.imul(h, 31) + dir.charCodeAt(i)) | 0;
    return this.lanes[(h >>> 0) % this.lanes.length]!;
  }

  /** An error for entry `rel` as the fs would give it, found before any step ran. */
  private clash(rel: string, code: "EEXIST" | "EISDIR" | "ENOTDIR"): unknown {
    return entryFsError(Object.assign(new Error(`${code}: '${rel}'`), { code }), this.where, rel);
  }

  dir(rel: string, mode?: number): void {
    this.check();
    this.ensureRoot();
    this.guard?.charge(0);
    this.ensureParents(rel, true);
    if (this.regular.has(rel)) throw this.clash(rel, "EEXIST");
    this.addDirs(rel);
    this.laneFor(rel).push({ k: "dir", rel, mode: mode === undefined ? undefined : safeMode(mode, 0o755) | 0o700 });
    this.files.push({ path: rel, type: "dir" });
    this.check();
  }

  /** Open a regular file for writing; returns a writer that is fed chunks and then closed. */
  file(rel: string, mode: number | undefined): { write(chunk: Uint8Array): void; close(): void } {
    this.check();
    this.ensureRoot();
    this.guard?.charge(0);
    this.ensureParents(rel, false);
    if (this.symlinks.has(rel)) throw unsafeEntry(this.archive, rel, "overwrites a symlink");
    if (this.made.has(rel)) throw this.clash(rel, "EISDIR");
    // A later entry for the same path replaces the file (as tar does) rather than writing into a
    // hardlink's shared inode, which would change the other name too and stale its digest. In
    // the earlier one's lane: after its steps (and those of hardlinks to it).
    const earlier = this.regular.get(rel);
    if (earlier) {
      this.files.splice(this.files.indexOf(earlier.rec), 1);
      this.regular.delete(rel);
    }
    this.addDirs(parentOf(rel));
    const lane = earlier?.lane ?? this.laneFor(rel);
    const id = this.nextId++;
    const m = safeMode(mode, 0o644);
    lane.push({ k: "open", id, rel, mode: m, replace: earlier !== undefined });
    this.check();
    const rec: FileRecord = { path: rel, type: "file", mode: m };
    this.byId.set(id, rec);
    let size = 0;
    const guard = this.guard;
    return {
      write: (chunk) => {
        this.check();
        guard?.charge(chunk.length);
        lane.push({ k: "data", id, chunk });
        size += chunk.length;
        this.check();
      },
      close: () => {
        lane.push({ k: "close", id });
        rec.size = size;
        this.files.push(rec);
        this.regular.set(rel, { rec, lane });
        this.check();
      },
    };
  }

  /** Move an already verified file (a raw download) into the tree as `rel`. */
  adopt(rel: string, src: string, mode: number, size: number, sha256: string): void {
    this.ensureRoot();
    this.guard?.charge(0);
    this.ensureParents(rel, false);
    try {
      mkdirSync(join(this.root, parentOf(rel)), { recursive: true, mode: 0o755 });
      renameSync(src, join(this.root, rel));
      chmodSync(join(this.root, rel), safeMode(mode, 0o644));
    } catch (e) {
      throw entryFsError(e, this.where, rel);
    }
    const rec: FileRecord = { path: rel, type: "file", size, mode: safeMode(mode, 0o644), sha256 };
    this.files.push(rec);
    this.regular.set(rel, { rec, lane: this.lanes[0]! });
  }

  symlink(rel: string, target: string): void {
    this.check();
    this.ensureRoot();
    checkSymlink(this.archive, rel, target);
    this.guard?.charge(0);
    this.ensureParents(rel, false);
    if (this.regular.has(rel) || this.made.has(rel) || this.symlinks.has(rel)) throw this.clash(rel, "EEXIST");
    this.addDirs(parentOf(rel));
    this.symlinks.set(rel, target);
    this.files.push({ path: rel, type: "symlink", target });
  }

  hardlink(rel: string, rawTarget: string): void {
    this.check();
    this.ensureRoot();
    const target = entryTarget(this.archive, rawTarget, this.strip);
    if (target === null) throw unsafeEntry(this.archive, rel, `hardlink to '${rawTarget}' outside the unpacked tree`);
    this.guard?.charge(0);
    this.ensureParents(target, false);
    let of = this.regular.get(target);
    if (!of) {
      if (this.symlinks.has(target) || this.made.has(target)) throw unsafeEntry(this.archive, rel, `hardlink to '${rawTarget}', which is not a regular file`);
      // Not an entry of this archive: a file an earlier part of the install put there (finished).
      let st;
      try {
        st = lstatSync(join(this.root, target));
      } catch {
        throw unsafeEntry(this.archive, rel, `hardlink to '${rawTarget}', which is not in the archive before it`);
      }
      if (!st.isFile()) throw unsafeEntry(this.archive, rel, `hardlink to '${rawTarget}', which is not a regular file`);
      of = { rec: { path: target, type: "file", size: st.size, mode: st.mode & 0o777 }, lane: this.laneFor(rel) };
    }
    this.ensureParents(rel, false);
    if (this.regular.has(rel) || this.made.has(rel) || this.symlinks.has(rel)) throw this.clash(rel, "EEXIST");
    this.addDirs(parentOf(rel));
    // In the target's lane: after the target's steps, before a later entry replaces it.
    of.lane.push({ k: "link", rel, target, replace: false });
    const rec: FileRecord = { path: rel, type: "file", size: of.rec.size ?? 0, ...(of.rec.mode !== undefined ? { mode: of.rec.mode } : {}) };
    this.links.push([rec, of.rec]);
    this.files.push(rec);
    this.regular.set(rel, { rec, lane: of.lane });
    this.check();
  }

  /**
   * Wait for every lane's steps, then make the symlinks (in archive order) and give hardlinks
   * their targets' digests. Throws the first failed step's error (naming its entry).
   */
  async finish(): Promise<void> {
    this.ensureRoot();
    for (const l of this.lanes) l.flush(true);
    const ends = await Promise.all(this.lanes.map((l) => l.end()));
    this.done = true;
    if (this.guard) this.guard.unwritten = undefined;
    this.check();
    const failed = ends.find((f) => f !== undefined);
    if (failed) throw entryFsError(Object.assign(new Error(failed.message), { code: failed.code }), this.where, failed.rel);
    for (const [rel, target] of this.symlinks) {
      try {
        mkdirSync(join(this.root, parentOf(rel)), { recursive: true, mode: 0o755 });
        symlinkSync(target, join(this.root, rel));
      } catch (e) {
        throw entryFsError(e, this.where, rel);
      }
    }
    for (const [rec, of] of this.links) if (of.sha256 !== undefined) rec.sha256 = of.sha256;
  }

  /** Stop the lanes (closing their files) after a failure; a no-op after `finish`. */
  async dispose(): Promise<void> {
    if (this.done) return;
    this.done = true;
    await Promise.all(this.lanes.map((l) => l.end()));
    if (this.guard) this.guard.unwritten = undefined;
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

  /**
   * Parent directories must not be symlinks (that would let an entry write through them), nor
   * files an earlier entry wrote.
   */
  private ensureParents(rel: string, includeSelf: boolean): void {
    const parts = rel.split("/");
    const upto = includeSelf ? parts.length : parts.length - 1;
    let cur = "";
    for (let i = 0; i < upto; i++) {
      cur = cur ? `${cur}/${parts[i]}` : parts[i]!;
      if (this.made.has(cur)) continue;
      if (this.symlinks.has(cur)) throw unsafeEntry(this.archive, rel, `path goes through the symlink '${cur}'`);
      if (i < parts.length - 1 && this.regular.has(cur)) throw this.clash(rel, "ENOTDIR");
    }
  }

  /** Remember `rel` and its parents as directories (the steps make them). */
  private addDirs(rel: string): void {
    for (let d = rel; d !== "" && !this.made.has(d); d = parentOf(d)) this.made.add(d);
  }
}

/** The process's umask (read once): open() applies it, and a step sets the mode again only if it took bits away. */
let umaskValue: number | undefined;
function processUmask(): number {
  // Reading it is deprecated only for its set-and-restore race with other threads; this reads once.
  umaskValue ??= process.umask();
  return umaskValue;
}

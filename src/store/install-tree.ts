import { createHash } from "node:crypto";
import {
  chmodSync, closeSync, lstatSync, openSync, readSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, symlinkSync, writeFileSync,
} from "node:fs";
import { dirname, join, posix } from "node:path";
import { DevenvError } from "../errors.js";
import type { InstallTree } from "../recipes/types.js";
import type { FileRecord } from "./extract-tree.js";
import { RECEIPT } from "./layout.js";

const outside = (label: string, rel: string, why: string) =>
  new DevenvError("UNSAFE_ARCHIVE", `${label}: refusing '${rel}': ${why}`, {
    hint: "The recipe's post-install step tried to reach outside the install directory; nothing was installed. Report it.",
  });

/**
 * The unpacked install as recipes see it in `postInstall`: every path is relative to the root,
 * normalised, and may neither leave the root nor pass through a symlink.
 */
export class DirInstallTree implements InstallTree {
  constructor(readonly root: string, readonly finalDir: string, private readonly label: string) {}

  private abs(rel: string): string {
    const norm = posix.normalize(rel.replace(/\\/g, "/"));
    if (rel.startsWith("/") || norm === ".." || norm.startsWith("../") || norm === "." || norm === "") {
      throw outside(this.label, rel, "not a path inside the install");
    }
    let cur = this.root;
    const parts = norm.split("/");
    for (const p of parts.slice(0, -1)) {
      cur = join(cur, p);
      if (lstatSync(cur, { throwIfNoEntry: false })?.isSymbolicLink()) throw outside(this.label, rel, `path goes through the symlink '${p}'`);
    }
    return join(this.root, norm);
  }

  exists(rel: string): boolean {
    return lstatSync(this.abs(rel), { throwIfNoEntry: false }) !== undefined;
  }

  list(rel: string): string[] {
    const abs = rel === "" || rel === "." ? this.root : this.abs(rel);
    try {
      return readdirSync(abs).filter((n) => abs !== this.root || n !== RECEIPT).sort();
    } catch {
      return [];
    }
  }

  read(rel: string): string {
    const abs = this.abs(rel);
    if (!lstatSync(abs, { throwIfNoEntry: false })?.isFile()) {
      throw new DevenvError("ARCHIVE", `${this.label}: the archive has no file '${rel}'`, { hint: "The upstream layout changed; nothing was installed." });
    }
    return readFileSync(abs, "utf8");
  }

  write(rel: string, content: string, mode?: number): void {
    const abs = this.abs(rel);
    if (lstatSync(abs, { throwIfNoEntry: false })?.isSymbolicLink()) throw outside(this.label, rel, "writes through a symlink");
    mkdirSync(dirname(abs), { recursive: true });
    const keep = lstatSync(abs, { throwIfNoEntry: false })?.mode;
    writeFileSync(abs, content);
    chmodSync(abs, (mode ?? keep ?? 0o644) & 0o755); // as unpacking: no setuid/sticky, no group/other write
  }

  symlink(rel: string, target: string): void {
    if (target.startsWith("/")) throw outside(this.label, rel, `symlink to absolute path '${target}'`);
    const norm = posix.normalize(rel);
    const resolved = posix.normalize(posix.join(posix.dirname(norm), target));
    if (resolved === ".." || resolved.startsWith("../")) throw outside(this.label, rel, `symlink '${target}' points outside`);
    const abs = this.abs(rel);
    mkdirSync(dirname(abs), { recursive: true });
    rmSync(abs, { force: true });
    symlinkSync(target, abs);
  }

  move(from: string, to: string): void {
    const src = this.abs(from);
    const dst = this.abs(to);
    if (!lstatSync(src, { throwIfNoEntry: false })) {
      throw new DevenvError("ARCHIVE", `${this.label}: the archive has no '${from}'`, { hint: "The upstream layout changed; nothing was installed." });
    }
    mkdirSync(dirname(dst), { recursive: true });
    renameSync(src, dst);
  }

  remove(rel: string): void {
    rmSync(this.abs(rel), { recursive: true, force: true });
  }

  kind(rel: string): "file" | "dir" | "symlink" | "other" | undefined {
    const st = lstatSync(this.abs(rel), { throwIfNoEntry: false });
    if (!st) return undefined;
    return st.isSymbolicLink() ? "symlink" : st.isFile() ? "file" : st.isDirectory() ? "dir" : "other";
  }

  makeExecutable(rel: string): void {
    const abs = this.abs(rel);
    const st = lstatSync(abs, { throwIfNoEntry: false });
    if (!st?.isFile()) throw new DevenvError("ARCHIVE", `${this.label}: '${rel}' is not a regular file`, { hint: "The upstream layout changed; nothing was installed." });
    chmodSync(abs, (st.mode | 0o755) & 0o755);
  }
}

let buffer: Buffer | undefined;

/** Hex sha256 of a file's content, read in 1 MiB chunks (files can be hundreds of MB). */
export function sha256File(file: string): string {
  buffer ??= Buffer.allocUnsafe(1 << 20);
  const hash = createHash("sha256");
  const fd = openSync(file, "r");
  try {
    for (let n; (n = readSync(fd, buffer, 0, buffer.length, null)) > 0; ) hash.update(buffer.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash.digest("hex");
}

/**
 * Every entry under `root` (except the receipt), as the receipt records them, sorted by path.
 * Regular files are read and hashed: this runs after a recipe's post-install step (or after
 * unpacking parts), so the receipt has the digests of the files as they are installed.
 */
export function scanTree(root: string): FileRecord[] {
  const out: FileRecord[] = [];
  const walk = (rel: string) => {
    for (const name of readdirSync(rel ? join(root, rel) : root).sort()) {
      if (!rel && name === RECEIPT) continue;
      const path = rel ? `${rel}/${name}` : name;
      const st = lstatSync(join(root, path));
      if (st.isSymbolicLink()) out.push({ path, type: "symlink", target: readlinkSync(join(root, path)) });
      else if (st.isDirectory()) {
        out.push({ path, type: "dir" });
        walk(path);
      } else if (st.isFile()) {
        out.push({ path, type: "file", size: st.size, mode: st.mode & 0o777, sha256: sha256File(join(root, path)) });
      } else out.push({ path, type: "file", size: st.size, mode: st.mode & 0o777 });
    }
  };
  walk("");
  return out;
}

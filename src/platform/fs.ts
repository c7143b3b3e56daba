import { closeSync, constants as fsConstants, fstatSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { mkdir, open, readFile, rename, rm, stat } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { dirname, join, basename } from "node:path";
import { DevenvError } from "../errors.js";

export async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

/**
 * What readIfExists may be told about the file, for its error: what it is ("the trust record")
 * and what to do when it cannot be read (the default says to look at the path).
 */
export interface ReadIfExistsOptions {
  what?: string;
  hint?: string;
}

/** ENOENT: no such file; ENOTDIR: a directory on its path is a file, so there is none either. */
const isAbsent = (e: unknown) => ["ENOENT", "ENOTDIR"].includes((e as NodeJS.ErrnoException).code ?? "");

function unreadable(path: string, e: unknown, opts: ReadIfExistsOptions): DevenvError {
  const code = (e as NodeJS.ErrnoException).code;
  const why = code === "EISDIR" ? "it is a directory, not a file"
    : code === "EACCES" || code === "EPERM" ? "permission denied"
    : code ? `${code} (${(e as Error).message})` : String((e as Error)?.message ?? e);
  return new DevenvError("IO", `cannot read ${opts.what ? `${opts.what} ` : ""}${path}: ${why}`, {
    hint: opts.hint ?? `Only a missing file counts as absent: fix what is at ${path} (its permissions, or move it aside) and run the command again.`,
    cause: e,
  });
}

/**
 * The text of a file, or undefined when there is none (ENOENT, ENOTDIR). Any other error (a
 * directory in its place, permissions, an I/O error) is a DevenvError saying which file: an
 * unreadable file is never taken for a missing one.
 */
export function readIfExists(path: string, opts: ReadIfExistsOptions = {}): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    if (isAbsent(e)) return undefined;
    throw unreadable(path, e, opts);
  }
}

/** readIfExists, without blocking. */
export async function readIfExistsAsync(path: string, opts: ReadIfExistsOptions = {}): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (e) {
    if (isAbsent(e)) return undefined;
    throw unreadable(path, e, opts);
  }
}

export const randomId = (n = 6) => randomBytes(n).toString("hex");

/**
 * Write a file so that readers see either the old or the new content, never a part.
 * `fsync: false` skips the flush: on ext4 an fsync can force out every dirty page of the
 * filesystem (after unpacking 150 MB that is most of a second).
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, opts: { fsync?: boolean; mode?: number } = {}): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomId()}.tmp`);
  const fh = await open(tmp, "w", opts.mode ?? 0o644);
  try {
    if (opts.mode !== undefined) await fh.chmod(opts.mode); // exactly, whatever the umask
    await fh.writeFile(data);
    if (opts.fsync !== false) await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/** writeFileAtomic without flush, synchronous (it may run in a signal handler); `mkdir` makes the parent first. */
export function writeFileAtomicSync(path: string, data: string, opts: { mkdir?: boolean } = {}): void {
  if (opts.mkdir) mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}-${randomId(4)}`;
  writeFileSync(tmp, data);
  try {
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** Is a process with this pid alive (on this machine)? */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Why readRegularFile refused a path: not a regular file (a device, FIFO, directory), or too large. */
export class FileShapeError extends Error {
  constructor(readonly path: string, readonly reason: string) {
    super(`${path}: ${reason}`);
  }
}

/**
 * Read a file a project brings (devenv.lock, a file devenv.ts imports: they arrive with a pull,
 * and may be symlinks to anything): only a regular file of at most `maxBytes`, so that a link to
 * /dev/zero, /dev/tty or a FIFO can neither exhaust memory nor block a command or the prompt.
 * Opened non-blocking (opening a FIFO does not wait), checked with fstat on the same descriptor.
 * Returns undefined when the file does not exist.
 */
export function readRegularFile(path: string, maxBytes: number): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(path, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return undefined;
    // A device that cannot be opened here (/dev/tty with no terminal, a gone device).
    if (code === "ENXIO" || code === "ENODEV") throw new FileShapeError(path, "not a regular file");
    throw e;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new FileShapeError(path, "not a regular file");
    if (st.size > maxBytes) throw new FileShapeError(path, `larger than ${maxBytes} bytes`);
    // Read to the end (the size may change meanwhile), never keeping more than maxBytes + 1.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(Math.max(st.size + 1, 4096), 1 << 20, maxBytes + 1 - total));
      const got = readSync(fd, chunk, 0, chunk.length, null);
      if (got === 0) break;
      chunks.push(chunk.subarray(0, got));
      total += got;
      if (total > maxBytes) throw new FileShapeError(path, `larger than ${maxBytes} bytes`);
    }
    return Buffer.concat(chunks, total);
  } finally {
    closeSync(fd);
  }
}

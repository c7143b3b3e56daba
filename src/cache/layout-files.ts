/**
 * Reading the files of an OCI layout directory that may come from elsewhere: only regular files,
 * never through a symbolic link, bounded; and the checks a directory layout's reader and writer share.
 */
import { constants } from "node:fs";
import { lstat, open, readdir, rm, type FileHandle } from "node:fs/promises";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { pidAlive } from "../platform/fs.js";
import { CacheError } from "./errors.js";
import { layoutError } from "./layout-index.js";

const NO_FOLLOW = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/** `path` opened for reading if it is a regular file (not a link, FIFO or device), or undefined when absent. */
export async function openInside(where: string, path: string, what: string): Promise<{ fh: FileHandle; size: number } | undefined> {
  let fh: FileHandle;
  try {
    fh = await open(path, NO_FOLLOW);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return undefined;
    if (code === "ELOOP") throw layoutError(where, `its ${what} is a symbolic link (refused: a layout's files are its own)`);
    throw new CacheError("unreachable", `cannot read ${what} of ${where}: ${code ?? String(e)}`, { hint: `Check the permissions of ${path}.`, cause: e });
  }
  const st = await fh.stat();
  if (!st.isFile()) {
    await fh.close();
    throw layoutError(where, `its ${what} is not a regular file`);
  }
  return { fh, size: st.size };
}

export async function readInside(where: string, path: string, what: string, max: number): Promise<Buffer | undefined> {
  const opened = await openInside(where, path, what);
  if (!opened) return undefined;
  try {
    if (opened.size > max) throw layoutError(where, `its ${what} is larger than ${max} bytes`);
    const buf = Buffer.alloc(opened.size);
    const { bytesRead } = await opened.fh.read(buf, 0, opened.size, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await opened.fh.close();
  }
}

/** blobs/ and blobs/sha256/ must be real directories of the layout, if they exist. */
export async function checkBlobDirs(where: string, dir: string): Promise<void> {
  for (const sub of ["blobs", join("blobs", "sha256")]) {
    const st = await lstat(join(dir, sub)).catch((e: NodeJS.ErrnoException) => (e.code === "ENOENT" ? undefined : Promise.reject(e)));
    if (st && !st.isDirectory()) throw layoutError(where, `its ${sub}/ is ${st.isSymbolicLink() ? "a symbolic link (refused: it could point out of the layout)" : "not a directory"}`);
  }
}

/** The temp files of writers that were killed (their pid is gone): `.<name>.<pid>.<random>.tmp`. */
export async function removeDeadTemps(dir: string): Promise<void> {
  for (const sub of [dir, join(dir, "blobs", "sha256")]) {
    for (const name of await readdir(sub)) {
      const m = /^\.(?:[0-9a-f]{64}|index\.json|oci-layout)\.(\d+)\.[0-9a-f]+\.tmp$/.exec(name);
      if (m && !pidAlive(Number(m[1]))) await rm(join(sub, name), { force: true });
    }
  }
}

/** A manifest is small and read whole: its bytes must be its digest (layers are verified by whoever reads them). */
export function checkManifest(where: string, hex: string, bytes: Buffer): Buffer {
  if (createHash("sha256").update(bytes).digest("hex") !== hex) throw layoutError(where, `its manifest ${hex} does not have that digest (damaged or altered)`);
  return bytes;
}

export function mediaTypeOf(bytes: Buffer): string {
  try {
    const t = (JSON.parse(bytes.toString("utf8")) as { mediaType?: unknown }).mediaType;
    return typeof t === "string" ? t : "";
  } catch {
    return "";
  }
}

/**
 * An OCI image layout in a directory, as a BlobStore. Reads open only `oci-layout`, `index.json` and
 * `blobs/sha256/<64 hex>` built from checked digests, never through a symbolic link (a layout may
 * come from elsewhere). Writes are atomic (temp file + rename): a process killed mid-way leaves the
 * layout as it was, plus at most a hidden temp file. index.json is rewritten after each manifest,
 * under a lock, merged with what is on disk, so two writers lose nothing.
 */
import { constants, createReadStream } from "node:fs";
import { lstat, mkdir, open, readdir, rename, rm, type FileHandle } from "node:fs/promises";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { acquireLock } from "../platform/filelock.js";
import { randomId, writeFileAtomic } from "../platform/fs.js";
import { CacheError } from "./errors.js";
import {
  addEntry, checkOciLayout, emptyIndex, findEntry, layoutError, manifestEntry, MAX_INDEX_BYTES, MAX_MANIFEST_BYTES,
  OCI_LAYOUT_BYTES, parseIndex, serializeIndex, SHA256_HEX, type IndexEntry, type LayoutIndex,
} from "./layout-index.js";
import type { BlobStore, OpenedBlob } from "./types.js";

const NO_FOLLOW = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/** `path` opened for reading if it is a regular file (not a link, FIFO or device), or undefined when absent. */
async function openInside(where: string, path: string, what: string): Promise<{ fh: FileHandle; size: number } | undefined> {
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

async function readInside(where: string, path: string, what: string, max: number): Promise<Buffer | undefined> {
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
async function checkBlobDirs(where: string, dir: string): Promise<void> {
  for (const sub of ["blobs", join("blobs", "sha256")]) {
    const st = await lstat(join(dir, sub)).catch((e: NodeJS.ErrnoException) => (e.code === "ENOENT" ? undefined : Promise.reject(e)));
    if (st && !st.isDirectory()) throw layoutError(where, `its ${sub}/ is ${st.isSymbolicLink() ? "a symbolic link (refused: it could point out of the layout)" : "not a directory"}`);
  }
}

export async function openDirLayout(dir: string, mode: "read" | "write"): Promise<BlobStore> {
  const where = `oci-layout:${dir}`;
  const blobPath = (hex: string) => {
    if (!SHA256_HEX.test(hex)) throw new Error(`not a sha256: ${hex}`);
    return join(dir, "blobs", "sha256", hex);
  };
  const readIndex = async (): Promise<LayoutIndex> => {
    const bytes = await readInside(where, join(dir, "index.json"), "index.json", MAX_INDEX_BYTES);
    return bytes ? parseIndex(where, bytes) : emptyIndex();
  };

  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== "ENOENT" || mode !== "write") throw layoutError(where, code === "ENOENT" ? "there is no such directory" : code === "ENOTDIR" ? "it is not a directory" : `${code ?? e}`);
    entries = [];
  }
  if (mode === "write" && entries.length === 0) {
    await mkdir(join(dir, "blobs", "sha256"), { recursive: true });
    await writeFileAtomic(join(dir, "oci-layout"), OCI_LAYOUT_BYTES);
    await writeFileAtomic(join(dir, "index.json"), serializeIndex(emptyIndex()));
  } else {
    checkOciLayout(where, await readInside(where, join(dir, "oci-layout"), "oci-layout file", 4096));
    await checkBlobDirs(where, dir);
  }
  let index = await readIndex();
  if (mode === "write") {
    await mkdir(join(dir, "blobs", "sha256"), { recursive: true });
    await checkBlobDirs(where, dir);
  }
  /** What this writer added, in order: merged again into index.json as it is on disk at each write. */
  const added: IndexEntry[] = [];
  const writable = () => {
    if (mode !== "write") throw new Error(`${where} was opened for reading`);
  };

  const hasBlob = async (hex: string) => {
    const st = await lstat(blobPath(hex)).catch((e: NodeJS.ErrnoException) => (e.code === "ENOENT" ? undefined : Promise.reject(e)));
    if (st?.isSymbolicLink()) throw layoutError(where, `its blob ${hex} is a symbolic link (refused: it could point out of the layout)`);
    return st !== undefined && st.isFile();
  };

  const writeBlob = async (hex: string, write: (tmp: string) => Promise<void>) => {
    const tmp = join(dir, "blobs", "sha256", `.${hex}.${process.pid}.${randomId()}.tmp`);
    try {
      await write(tmp);
      await rename(tmp, blobPath(hex));
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
  };

  const store: BlobStore = {
    where,
    hasBlob,
    async openBlob(hex): Promise<OpenedBlob | undefined> {
      const opened = await openInside(where, blobPath(hex), `blob ${hex}`);
      if (!opened) return undefined;
      return { body: opened.fh.createReadStream(), size: opened.size, where: `${where} (blobs/sha256/${hex})` };
    },
    async putBlob(hex, size, file) {
      writable();
      const target = blobPath(hex);
      const st = await lstat(target).catch(() => undefined);
      if (st?.isFile() && st.size === size) return;
      await writeBlob(hex, async (tmp) => {
        const out = await open(tmp, "wx", 0o644);
        let copied = 0;
        try {
          for await (const chunk of createReadStream(file)) {
            const c = chunk as Buffer;
            copied += c.length;
            for (let at = 0; at < c.length; ) at += (await out.write(c, at, c.length - at)).bytesWritten;
          }
          await out.sync();
        } finally {
          await out.close();
        }
        if (copied !== size) throw new CacheError("protocol", `${file} has ${copied} bytes, not the ${size} of blob ${hex}; nothing was added to ${where}`);
      });
    },
    async putManifest(bytes, mediaType, tag) {
      writable();
      const { hex, entry } = manifestEntry(bytes, mediaType, tag);
      if (!(await hasBlob(hex))) await writeFileAtomic(blobPath(hex), bytes);
      added.push(entry);
      const lock = await acquireLock(join(dir, ".index.json.lock"), { timeoutMs: 60_000 });
      try {
        index = await readIndex();
        for (const e of added) addEntry(index, e);
        await writeFileAtomic(join(dir, "index.json"), serializeIndex(index));
      } finally {
        await lock.release();
      }
      return hex;
    },
    async getManifest(reference) {
      const found = findEntry(index, reference);
      if (!found) return undefined;
      const bytes = await readInside(where, blobPath(found.hex), `manifest ${found.hex}`, MAX_MANIFEST_BYTES);
      if (!bytes) return undefined;
      return { bytes: checkManifest(where, found.hex, bytes), mediaType: found.mediaType ?? mediaTypeOf(bytes) };
    },
    async close() {},
  };
  return store;
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

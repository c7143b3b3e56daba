/**
 * An OCI image layout in a directory, as a BlobStore. Reads open only `oci-layout`, `index.json` and
 * `blobs/sha256/<64 hex>` built from checked digests, never through a symbolic link (a layout may
 * come from elsewhere). Writes are atomic (temp file + rename): a process killed mid-way leaves the
 * layout as it was, plus at most a hidden temp file. index.json is rewritten after each manifest,
 * under a lock, merged with what is on disk, so two writers lose nothing.
 */
import { createReadStream } from "node:fs";
import { lstat, mkdir, open, readdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { acquireLock } from "../platform/filelock.js";
import { randomId, writeFileAtomic } from "../platform/fs.js";
import { checkBlobDirs, checkManifest, mediaTypeOf, openInside, readInside, removeDeadTemps } from "./layout-files.js";
import { CacheError } from "./errors.js";
import { showPath } from "../text.js";
import {
  addEntry, checkOciLayout, emptyIndex, findEntry, layoutError, manifestEntry, MAX_INDEX_BYTES, MAX_MANIFEST_BYTES,
  OCI_LAYOUT_BYTES, parseIndex, serializeIndex, SHA256_HEX, type IndexEntry, type LayoutIndex,
} from "./layout-index.js";
import type { BlobStore, OpenedBlob } from "./types.js";

export async function openDirLayout(dir: string, mode: "read" | "write"): Promise<BlobStore> {
  const where = `oci-layout:${showPath(dir)}`;
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
    await removeDeadTemps(dir);
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

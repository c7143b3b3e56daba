/**
 * Write an OCI image layout as one tar file, streamed: `oci-layout` first, each blob as it is added,
 * `index.json` last at close(), into a temp file renamed over the target at the end (a killed writer
 * leaves no half tar under the name; the tar that was there stays whole).
 */
import { createReadStream } from "node:fs";
import { open, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { randomId } from "../platform/fs.js";
import { showPath } from "../text.js";
import { CacheError } from "./errors.js";
import { addEntry, emptyIndex, findEntry, layoutError, manifestEntry, OCI_LAYOUT_BYTES, serializeIndex } from "./layout-index.js";
import { blobName } from "./layout-tar.js";
import { BLOCK, encodeHeader, padded } from "./tar-header.js";
import type { BlobStore } from "./types.js";

export async function createTarLayout(path: string): Promise<BlobStore> {
  const where = `oci-layout:${showPath(path)}`;
  const st = await stat(path).catch(() => undefined);
  if (st && !st.isFile()) throw layoutError(where, "it is there and not a file: a bundle ending in .tar is written as one tar file");
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomId()}.tmp`);
  const fh = await open(tmp, "wx", 0o644);
  const written = new Set<string>();
  const manifests = new Map<string, { bytes: Buffer; mediaType: string }>();
  const index = emptyIndex();
  let broken: Error | undefined;
  let closed = false;

  const check = () => {
    if (broken) throw broken;
    if (closed) throw new Error(`${where} is closed`);
  };
  const write = async (buf: Buffer) => {
    for (let at = 0; at < buf.length; ) at += (await fh.write(buf, at, buf.length - at)).bytesWritten;
  };
  const member = async (name: string, data: Buffer) => {
    await write(encodeHeader(name, data.length));
    await write(data);
    await write(Buffer.alloc(padded(data.length) - data.length));
  };
  await member("oci-layout", OCI_LAYOUT_BYTES);
  await write(encodeHeader("blobs/", 0, "dir"));
  await write(encodeHeader("blobs/sha256/", 0, "dir"));

  return {
    where,
    hasBlob: async (hex) => written.has(blobName(hex)),
    openBlob: async () => {
      throw new Error(`${where} is being written: open it again for reading`);
    },
    async putBlob(hex, size, file) {
      check();
      const name = blobName(hex);
      if (written.has(name)) return;
      // A regular file of another size is refused before the tar is touched (a pipe is counted as it is read).
      const src = await stat(file);
      if (src.isFile() && src.size !== size) throw new CacheError("protocol", `${file} has ${src.size} bytes, not the ${size} of blob ${hex}; nothing was added to ${where}`);
      try {
        await write(encodeHeader(name, size));
        let copied = 0;
        for await (const chunk of createReadStream(file)) {
          copied += (chunk as Buffer).length;
          if (copied > size) break;
          await write(chunk as Buffer);
        }
        if (copied !== size) throw new CacheError("protocol", `${file} changed while it was added to ${where} (${copied} bytes, not ${size})`);
        await write(Buffer.alloc(padded(size) - size));
      } catch (e) {
        broken = e as Error;
        throw e;
      }
      written.add(name);
    },
    async putManifest(bytes, mediaType, tag) {
      check();
      const { hex, entry } = manifestEntry(bytes, mediaType, tag);
      const name = blobName(hex);
      if (!written.has(name)) {
        await member(name, bytes);
        written.add(name);
      }
      manifests.set(hex, { bytes, mediaType });
      addEntry(index, entry);
      return hex;
    },
    async getManifest(reference) {
      const found = findEntry(index, reference);
      return found && manifests.get(found.hex);
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        if (broken) throw broken;
        await member("index.json", serializeIndex(index));
        await write(Buffer.alloc(2 * BLOCK));
        await fh.sync();
        await fh.close();
        await rename(tmp, path);
      } catch (e) {
        await fh.close().catch(() => undefined);
        await rm(tmp, { force: true });
        throw e;
      }
    },
  };
}

/**
 * An OCI image layout in one tar file (what `skopeo copy … oci-archive:` reads and writes).
 * Writing streams it: `oci-layout` first, each blob as it is added, `index.json` last at close(),
 * into a temp file renamed over the target at the end (a killed writer leaves no half tar).
 * Reading indexes the headers once (offset and size of each member) and serves a blob as a byte
 * range of the file: nothing is extracted, so a 1 GB bundle opens in the time of its headers.
 * Only `oci-layout`, `index.json` and `blobs/sha256/<64 hex>` regular files are taken from a tar;
 * links, devices, absolute names and `..` are ignored.
 */
import { constants, createReadStream } from "node:fs";
import { open, rename, rm, stat, type FileHandle } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { Readable } from "node:stream";
import { randomId } from "../platform/fs.js";
import { CacheError } from "./errors.js";
import { checkManifest, mediaTypeOf } from "./layout-dir.js";
import {
  addEntry, checkOciLayout, emptyIndex, findEntry, layoutError, manifestEntry, MAX_INDEX_BYTES, MAX_MANIFEST_BYTES,
  OCI_LAYOUT_BYTES, parseIndex, serializeIndex, SHA256_HEX,
} from "./layout-index.js";
import { BLOCK, encodeHeader, isZeroBlock, padded, parseHeader, parsePax } from "./tar-header.js";
import type { BlobStore, OpenedBlob } from "./types.js";

/** A tar of more headers than this is not a bundle. */
const MAX_MEMBERS = 1_000_000;
const WANTED = /^(?:oci-layout|index\.json|blobs\/sha256\/[0-9a-f]{64})$/;

interface Member {
  offset: number;
  size: number;
}

const blobName = (hex: string) => {
  if (!SHA256_HEX.test(hex)) throw new Error(`not a sha256: ${hex}`);
  return `blobs/sha256/${hex}`;
};

export async function openTarLayout(path: string): Promise<BlobStore> {
  const where = `oci-layout:${path}`;
  let fh: FileHandle;
  try {
    fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw layoutError(where, code === "ENOENT" ? "there is no such file" : `${code ?? e}`);
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw layoutError(where, "it is not a regular file");
    const members = await indexMembers(where, fh, st.size);
    const read = async (m: Member, max: number, what: string) => {
      if (m.size > max) throw layoutError(where, `its ${what} is larger than ${max} bytes`);
      const buf = Buffer.alloc(m.size);
      await fh.read(buf, 0, m.size, m.offset);
      return buf;
    };
    const layoutFile = members.get("oci-layout");
    checkOciLayout(where, layoutFile && (await read(layoutFile, 4096, "oci-layout file")));
    const indexMember = members.get("index.json");
    if (!indexMember) throw layoutError(where, "it has no index.json");
    const index = parseIndex(where, await read(indexMember, MAX_INDEX_BYTES, "index.json"));
    const readOnly = () => {
      throw new Error(`${where} was opened for reading`);
    };
    return {
      where,
      hasBlob: async (hex) => members.has(blobName(hex)),
      async openBlob(hex): Promise<OpenedBlob | undefined> {
        const m = members.get(blobName(hex));
        if (!m) return undefined;
        const now = await stat(path);
        if (now.ino !== st.ino || now.dev !== st.dev || now.size !== st.size) throw layoutError(where, "the file changed since it was opened");
        const body = m.size === 0 ? Readable.from([]) : createReadStream(path, { start: m.offset, end: m.offset + m.size - 1 });
        return { body, size: m.size, where: `${where} (blobs/sha256/${hex})` };
      },
      putBlob: readOnly,
      putManifest: readOnly,
      async getManifest(reference) {
        const found = findEntry(index, reference);
        const m = found && members.get(blobName(found.hex));
        if (!found || !m) return undefined;
        const bytes = checkManifest(where, found.hex, await read(m, MAX_MANIFEST_BYTES, `manifest ${found.hex}`));
        return { bytes, mediaType: found.mediaType ?? mediaTypeOf(bytes) };
      },
      close: async () => fh.close().catch(() => undefined),
    };
  } catch (e) {
    await fh.close();
    throw e;
  }
}

/** Read the headers only: the members devenv reads, by name, the last of a name winning (as tar extracts). */
async function indexMembers(where: string, fh: FileHandle, fileSize: number): Promise<Map<string, Member>> {
  const members = new Map<string, Member>();
  const block = Buffer.alloc(BLOCK);
  let pos = 0;
  let pax: { path?: string; size?: number } = {};
  let longName: string | undefined;
  for (let count = 0; ; count++) {
    if (count > MAX_MEMBERS) throw layoutError(where, `it has more than ${MAX_MEMBERS} members`);
    if (pos === fileSize) break; // no end-of-archive blocks: tolerated, as tar does
    if (pos + BLOCK > fileSize) throw layoutError(where, `the tar is shorter than its headers say (it ends inside a header at byte ${pos})`);
    await fh.read(block, 0, BLOCK, pos);
    if (isZeroBlock(block)) break;
    const h = parseHeader(block);
    if ("error" in h) throw layoutError(where, `at byte ${pos} of the tar, ${h.error}`);
    const size = pax.size ?? h.size;
    const offset = pos + BLOCK;
    if (offset + size > fileSize) throw layoutError(where, `the tar is shorter than its headers say (a member at byte ${pos} needs ${size} bytes, ${Math.max(0, fileSize - offset)} are left)`);
    pos = offset + padded(size);
    if (h.type === "pax" || h.type === "gnu-longname") {
      if (size > 1 << 20) throw layoutError(where, `at byte ${offset - BLOCK} of the tar, an extended header is larger than 1 MiB`);
      const data = Buffer.alloc(size);
      await fh.read(data, 0, size, offset);
      if (h.type === "pax") pax = parsePax(data);
      else longName = data.toString("utf8").replace(/\0+$/, "");
      continue;
    }
    const name = (pax.path ?? longName ?? h.name).replace(/^(?:\.\/)+/, "");
    if (h.type !== "pax-global") {
      pax = {};
      longName = undefined;
    }
    if (h.type === "file" && WANTED.test(name)) members.set(name, { offset, size });
  }
  return members;
}

export async function createTarLayout(path: string): Promise<BlobStore> {
  const where = `oci-layout:${path}`;
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
      const src = await stat(file);
      if (src.size !== size) throw new CacheError("protocol", `${file} has ${src.size} bytes, not the ${size} of blob ${hex}; nothing was added to ${where}`);
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

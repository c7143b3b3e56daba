/**
 * An OCI image layout in one tar file (what `skopeo copy … oci-archive:` reads and writes), read
 * (layout-tar-write.ts writes one). Reading indexes the headers once (offset and size of each member) and serves a blob as a byte
 * range of the file: nothing is extracted, so a 1 GB bundle opens in the time of its headers.
 * Only `oci-layout`, `index.json` and `blobs/sha256/<64 hex>` regular files are taken from a tar;
 * links, devices, absolute names and `..` are ignored.
 */
import { constants, createReadStream } from "node:fs";
import { open, stat, type FileHandle } from "node:fs/promises";
import { Readable } from "node:stream";
import { showPath } from "../text.js";
import { checkManifest, mediaTypeOf } from "./layout-files.js";
import { checkOciLayout, findEntry, layoutError, MAX_INDEX_BYTES, MAX_MANIFEST_BYTES, parseIndex, SHA256_HEX } from "./layout-index.js";
import { BLOCK, isZeroBlock, padded, parseHeader, parsePax } from "./tar-header.js";
import type { BlobStore, OpenedBlob } from "./types.js";

/** A tar of more headers than this is not a bundle. */
const MAX_MEMBERS = 1_000_000;
const WANTED = /^(?:oci-layout|index\.json|blobs\/sha256\/[0-9a-f]{64})$/;

interface Member {
  offset: number;
  size: number;
}

export const blobName = (hex: string) => {
  if (!SHA256_HEX.test(hex)) throw new Error(`not a sha256: ${hex}`);
  return `blobs/sha256/${hex}`;
};

export async function openTarLayout(path: string): Promise<BlobStore> {
  const where = `oci-layout:${showPath(path)}`;
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

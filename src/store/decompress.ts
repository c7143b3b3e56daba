import { Transform, type Duplex, type Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import type { ArchiveFormat } from "../registry/types.js";
import { findXz, xzProcess } from "./xz-process.js";

/** A stream transform that undoes the archive's compression (identity for plain tar). */
export async function decompressor(format: ArchiveFormat): Promise<Transform | Duplex | undefined> {
  switch (format) {
    case "tar.gz":
      // Big chunks: zlib's default 16 kB makes gunzip ~3x slower.
      return createGunzip({ chunkSize: 1 << 20 });
    case "tar.xz": {
      const xz = findXz();
      if (xz) return xzProcess(xz);
      const lzma = (await import("lzma-native")).default;
      return lzma.createDecompressor({ synchronous: false });
    }
    case "tar.zst":
      return zstdTransform();
    default:
      return undefined;
  }
}

async function zstdTransform(): Promise<Transform> {
  const { Decompress } = await import("fzstd");
  let push: ((c: Uint8Array) => void) | undefined;
  const d = new Decompress((chunk) => push?.(chunk));
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      push = (c) => this.push(Buffer.from(c.buffer, c.byteOffset, c.byteLength));
      try {
        d.push(chunk);
        cb();
      } catch (e) {
        cb(e as Error);
      }
    },
    flush(cb) {
      push = (c) => this.push(Buffer.from(c.buffer, c.byteOffset, c.byteLength));
      try {
        d.push(new Uint8Array(0), true);
        cb();
      } catch (e) {
        cb(e as Error);
      }
    },
  });
}

export type { Readable };

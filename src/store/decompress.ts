import { Transform, type Duplex } from "node:stream";
import { createGunzip } from "node:zlib";
import type { ArchiveFormat } from "../registry/types.js";
import { findXz, xzProcess } from "./xz-process.js";

export type MakeDecompressor = () => Transform | Duplex | undefined;

/**
 * Load what undoing the archive's compression needs, before the download starts, and return a
 * synchronous factory: nothing may be awaited between receiving a response and attaching to it.
 */
export async function decompressorFactory(format: ArchiveFormat): Promise<MakeDecompressor> {
  if (format === "tar.xz" && !findXz()) {
    const lzma = (await import("lzma-native")).default;
    return () => lzma.createDecompressor({ synchronous: false });
  }
  if (format === "tar.zst") {
    const { Decompress } = await import("fzstd");
    return () => zstdTransform(Decompress);
  }
  return () => decompressorSync(format);
}

function decompressorSync(format: ArchiveFormat): Transform | Duplex | undefined {
  switch (format) {
    case "tar.gz":
      // Big chunks: zlib's default 16 kB makes gunzip ~3x slower.
      return createGunzip({ chunkSize: 1 << 20 });
    case "tar.xz":
      return xzProcess(findXz()!);
    default:
      return undefined;
  }
}

function zstdTransform(Decompress: typeof import("fzstd").Decompress): Transform {
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


import { createReadStream } from "node:fs";
import { pipeline, type Readable, Transform } from "node:stream";
import { createGunzip } from "node:zlib";
import type { ArchiveFormat } from "../recipes/types.js";
import { findXz, xzFile } from "./xz-process.js";

/** Large reads of the (verified) download: fewer syscalls and bigger zlib steps. */
const READ_CHUNK = 1 << 20;

/**
 * The tar bytes of a downloaded (and already verified) archive file: read in 1 MiB pieces and
 * decompressed; an error of any stage ends the returned stream with that error.
 */
export async function tarStream(file: string, format: Exclude<ArchiveFormat, "zip" | "raw">): Promise<Readable> {
  if (format === "tar.xz") {
    const xz = findXz();
    if (xz) return xzFile(xz, file); // reads the file itself: no copy through Node
    const lzma = (await import("lzma-native")).default;
    return chain(createReadStream(file, { highWaterMark: READ_CHUNK }), lzma.createDecompressor({ synchronous: false }));
  }
  const input = createReadStream(file, { highWaterMark: READ_CHUNK });
  switch (format) {
    case "tar.gz":
      // Big chunks: zlib's default 16 kB makes gunzip ~3x slower.
      return chain(input, createGunzip({ chunkSize: READ_CHUNK }));
    case "tar.zst": {
      const { Decompress } = await import("fzstd");
      return chain(input, zstdTransform(Decompress));
    }
    case "tar":
      return input;
  }
}

function chain(input: Readable, decompressor: NodeJS.ReadWriteStream): Readable {
  // pipeline() destroys both on an error of either, and the last one carries the error to its reader.
  return pipeline(input, decompressor, () => {}) as unknown as Readable;
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

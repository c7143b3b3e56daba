import { createReadStream } from "node:fs";
import { pipeline, type Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { DevenvError } from "../errors.js";
import type { ArchiveFormat } from "../recipes/types.js";
import { zstdStream } from "./zstd-stream.js";
import { decompressProcess, findTool, findXz, findZstd, xzFile } from "./xz-process.js";

/** Large reads of the (verified) download: fewer syscalls and bigger zlib steps. */
const READ_CHUNK = 1 << 20;

/** A compression around a tar or a single file. */
export type Codec = "gz" | "xz" | "zst" | "bz2" | "none";

/** The compression of a format that is a tar or a single compressed file. */
export function codecOf(format: Exclude<ArchiveFormat, "zip" | "raw">): Codec {
  switch (format) {
    case "tar.gz":
    case "gz":
      return "gz";
    case "tar.xz":
    case "xz":
      return "xz";
    case "tar.zst":
    case "zst":
      return "zst";
    case "tar.bz2":
    case "bz2":
      return "bz2";
    case "tar":
      return "none";
  }
}

/**
 * The system `bzip2` (Node has no bzip2, and no pure-JS decoder on npm streams in bounded memory:
 * docs/decisions-pending-formats.md). Checked before downloading, so a machine without it is told
 * what to install instead of downloading for nothing.
 */
export function requireBzip2(label: string, url: string): string {
  const bzip2 = findTool("bzip2");
  if (bzip2) return bzip2;
  throw new DevenvError("HOST_UNSUPPORTED", `${label}: ${url} is bzip2-compressed, and this machine has no 'bzip2' command to decompress it`, {
    hint: "Nothing was downloaded. Install bzip2 (Debian/Ubuntu: apt-get install bzip2; Fedora: dnf install bzip2; Alpine: apk add bzip2; macOS has it) and run the command again.",
  });
}

/**
 * The tar bytes of a downloaded (and already verified) archive file: read in 1 MiB pieces and
 * decompressed; an error of any stage ends the returned stream with that error.
 */
export function tarStream(file: string, format: Exclude<ArchiveFormat, "zip" | "raw">): Promise<Readable> {
  return decompressed(file, codecOf(format));
}

/** The decompressed bytes of a verified download, as a stream that ends with any stage's error. */
export async function decompressed(file: string, codec: Codec): Promise<Readable> {
  switch (codec) {
    case "xz": {
      const xz = findXz();
      if (xz) return xzFile(xz, file); // reads the file itself: no copy through Node
      const lzma = (await import("lzma-native")).default;
      return chain(createReadStream(file, { highWaterMark: READ_CHUNK }), lzma.createDecompressor({ synchronous: false }));
    }
    case "bz2":
      // Not -q: it silences the reason too. The first line of bzip2's complaint is the error (decompressProcess).
      return decompressProcess(requireBzip2("bzip2", file), ["-dc"], file, ".bz2");
    case "gz":
      // Big chunks: zlib's default 16 kB makes gunzip ~3x slower.
      return chain(createReadStream(file, { highWaterMark: READ_CHUNK }), createGunzip({ chunkSize: READ_CHUNK }));
    case "zst": {
      const zstd = findZstd();
      if (zstd) return decompressProcess(zstd, ["-dcq"], file, ".zst");
      // fzstd checks no content checksum: the download's own sha256 is what vouches for the bytes.
      const { Decompress } = await import("fzstd");
      return zstdStream(createReadStream(file, { highWaterMark: READ_CHUNK }), Decompress);
    }
    case "none":
      return createReadStream(file, { highWaterMark: READ_CHUNK });
  }
}

function chain(input: Readable, decompressor: NodeJS.ReadWriteStream): Readable {
  // pipeline() destroys both on an error of either, and the last one carries the error to its reader.
  return pipeline(input, decompressor, () => {}) as unknown as Readable;
}

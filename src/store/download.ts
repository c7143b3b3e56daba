import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { Transform, pipeline, type Readable } from "node:stream";
import { pipeline as pipelineAsync } from "node:stream/promises";
import type { DownloadTask } from "../app/reporter.js";
import { DevenvError, redactUrl } from "../errors.js";
import type { HttpResponse } from "../platform/http.js";
import type { ArchiveFormat } from "../registry/types.js";
import { decompressor } from "./decompress.js";
import type { TreeWriter } from "./extract-tree.js";
import { unpackTar } from "./unpack-tar.js";
import { unpackZip } from "./unpack-zip.js";

/** Hash and count the bytes as they pass. */
function tap(hash: ReturnType<typeof createHash>, task: DownloadTask): Transform {
  return new Transform({
    highWaterMark: 1 << 20,
    transform(chunk: Buffer, _e, cb) {
      hash.update(chunk);
      task.advance(chunk.length);
      cb(null, chunk);
    },
  });
}

export function checkDigest(url: string, expected: string, actual: string): void {
  if (expected !== actual) {
    throw new DevenvError("CHECKSUM_MISMATCH", `checksum mismatch for ${redactUrl(url)}: expected sha256 ${expected}, got ${actual}`, {
      hint: "The download differs from the published or locked checksum; nothing was installed. If the upstream re-published it, check why before running 'devenv update'.",
    });
  }
}

/**
 * Stream an HTTP body through sha256 and the decompressor into the tree writer; the caller
 * renames the tree into place only after the digest matched. Zip and raw files go to disk first.
 */
export async function streamUnpack(opts: {
  res: HttpResponse;
  format: ArchiveFormat;
  writer: TreeWriter;
  task: DownloadTask;
  scratchFile: string;
  rawName: string;
}): Promise<string> {
  const { res, format, writer, task } = opts;
  const hash = createHash("sha256");
  if (format === "zip" || format === "raw") {
    const target = format === "raw" ? writer.file(`bin/${opts.rawName}`, 0o755) : undefined;
    if (target) {
      for await (const chunk of res.body as AsyncIterable<Buffer>) {
        hash.update(chunk);
        task.advance(chunk.length);
        target.write(chunk);
      }
      target.close();
      return hash.digest("hex");
    }
    await pipelineAsync(res.body, tap(hash, task), createWriteStream(opts.scratchFile));
    const digest = hash.digest("hex");
    return digest;
  }
  const decomp = await decompressor(format);
  const streams: Array<Readable | Transform> = [res.body, tap(hash, task)];
  if (decomp) streams.push(decomp);
  const out = (pipeline as unknown as (...s: unknown[]) => Readable)(...streams, () => {});
  await unpackTar(out, writer, redactUrl(res.url));
  return hash.digest("hex");
}

export { unpackZip };

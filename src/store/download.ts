import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { Transform, type Readable } from "node:stream";
import { pipeline as pipelineAsync } from "node:stream/promises";
import type { DownloadTask } from "../app/reporter.js";
import { DevenvError, redactUrl } from "../errors.js";
import type { HttpResponse } from "../platform/http.js";
import type { ArchiveFormat } from "../registry/types.js";
import type { MakeDecompressor } from "./decompress.js";
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

/** What a download must hash to: a sha256 in hex, or an SRI sha512 (`sha512-<base64>`, npm's dist.integrity). */
export interface ExpectedDigest {
  algorithm: "sha256" | "sha512";
  /** As written in the lock: hex for sha256, the SRI string for sha512. */
  value: string;
}

export function expectedDigest(a: { sha256?: string | undefined; integrity?: string | undefined }): ExpectedDigest {
  if (a.sha256 !== undefined) return { algorithm: "sha256", value: a.sha256 };
  if (a.integrity !== undefined && a.integrity.startsWith("sha512-")) return { algorithm: "sha512", value: a.integrity };
  throw new DevenvError("CHECKSUM_MISSING", "the artifact has no sha256 or sha512 integrity to check", {
    hint: "Nothing was downloaded. Restore devenv.lock from version control or run 'devenv lock' again.",
  });
}

/** The digest in the form the lock writes it. */
export const formatDigest = (algorithm: ExpectedDigest["algorithm"], hash: ReturnType<typeof createHash>) =>
  algorithm === "sha256" ? hash.digest("hex") : `sha512-${hash.digest("base64")}`;

export function checkDigest(url: string, expected: ExpectedDigest, actual: string): void {
  if (expected.value !== actual) {
    const name = expected.algorithm === "sha256" ? "sha256" : "integrity";
    throw new DevenvError("CHECKSUM_MISMATCH", `checksum mismatch for ${redactUrl(url)}: expected ${name} ${expected.value}, got ${actual}`, {
      hint: "The download differs from the published or locked checksum; nothing was installed. If the upstream re-published it, check why before running 'devenv update'.",
    });
  }
}

/**
 * Stream an HTTP body through sha256 and the decompressor into the tree writer; the caller
 * renames the tree into place only after the digest matched. Zip and raw files go to disk first.
 * If unpacking fails, the rest of the body is still hashed: a corrupt download is reported as a
 * checksum mismatch (the real cause), not as whatever the decompressor choked on.
 */
export async function streamUnpack(opts: {
  res: HttpResponse;
  format: ArchiveFormat;
  writer: TreeWriter;
  task: DownloadTask;
  scratchFile: string;
  rawName: string;
  makeDecompressor: MakeDecompressor;
  algorithm: ExpectedDigest["algorithm"];
}): Promise<{ digest: string; error?: unknown }> {
  const { res, format, writer, task, algorithm } = opts;
  const hash = createHash(algorithm);
  if (format === "raw") {
    const target = writer.file(`bin/${opts.rawName}`, 0o755);
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      hash.update(chunk);
      task.advance(chunk.length);
      target.write(chunk);
    }
    target.close();
    return { digest: formatDigest(algorithm, hash) };
  }
  if (format === "zip") {
    await pipelineAsync(res.body, tap(hash, task), createWriteStream(opts.scratchFile));
    return { digest: formatDigest(algorithm, hash) };
  }
  // No await from here on until everything is wired: an error must never fire without a listener.
  const decomp = opts.makeDecompressor();
  const hashed = tap(hash, task);
  hashed.on("error", () => {}); // observed through `errored` below and by the consumer
  res.body.on("error", (e) => hashed.destroy(e));
  if (res.body.errored) hashed.destroy(res.body.errored);
  res.body.pipe(hashed);
  let input: Readable = hashed;
  if (decomp) {
    hashed.on("error", (e) => decomp.destroy(e));
    hashed.pipe(decomp);
    input = decomp;
  }
  try {
    await unpackTar(input, writer, redactUrl(res.url));
    return { digest: formatDigest(algorithm, hash) };
  } catch (error) {
    if (decomp) {
      hashed.unpipe(decomp);
      decomp.on("error", () => {});
      decomp.destroy();
    }
    // Hash what is left of the body; a network error here is the error to report (and retry).
    await drain(hashed);
    return { digest: formatDigest(algorithm, hash), error };
  }
}

function drain(stream: Readable): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (stream.errored) return reject(stream.errored);
    if (stream.readableEnded) return resolve();
    stream.on("end", resolve);
    stream.on("error", reject);
    stream.on("close", () => (stream.readableEnded ? resolve() : reject(stream.errored ?? new Error("download stream closed early"))));
    stream.resume();
  });
}

export { unpackZip };

import { createHash } from "node:crypto";
import { closeSync, openSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import type { DownloadTask } from "../reporter.js";
import { DevenvError, redactUrl } from "../errors.js";
import type { HttpResponse } from "../platform/http.js";
import { formatBytes, fsSpace, noSpaceError, SpaceGuard } from "./space.js";

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

const tooLarge = (url: string, size: number, what: string) =>
  new DevenvError("CHECKSUM_MISMATCH", `${redactUrl(url)}: ${what}, more than the ${size} bytes devenv.lock records for it`, {
    hint: "The server sends something other than what was locked; nothing was unpacked. Check the URL and mirrors (DEVENV_MIRRORS); if the upstream re-published it, check why before running 'devenv update'.",
  });

/**
 * Save an HTTP body to `file` while hashing it, and return its digest. Nothing is unpacked here:
 * the caller compares the digest first. Bounded: never more than `size` bytes (the lock's, when
 * known), a Content-Length above the free space is refused before reading the body, and writing
 * stops while the store's filesystem still has its reserve free.
 */
export async function downloadToFile(opts: {
  res: HttpResponse;
  /** The URL as the lock has it (before mirrors), for messages. */
  url: string;
  file: string;
  label: string;
  /** The lock's size of this file, if it records one. */
  size: number | undefined;
  /** A directory on the same filesystem to name in disk-space errors (the store). */
  spaceDir?: string;
  algorithm: ExpectedDigest["algorithm"];
  task: DownloadTask;
  /** Also compute a sha256 (raw downloads become a file whose receipt record needs one). */
  sha256Too?: boolean;
}): Promise<{ digest: string; bytes: number; sha256?: string }> {
  const { res, file, label, size, task } = opts;
  const dir = opts.spaceDir ?? dirname(file);
  const url = redactUrl(opts.url);
  try {
    if (size !== undefined && res.size !== undefined && res.size > size) throw tooLarge(opts.url, size, `the server announces ${res.size} bytes`);
    const space = fsSpace(dir);
    if (space && res.size !== undefined && res.size > space.free) {
      throw new DevenvError("IO", `${label}: not downloading ${url} (${formatBytes(res.size)}): ${dir} has ${formatBytes(space.free)} free on its filesystem`, {
        hint: "Nothing was downloaded. Free disk space (e.g. 'devenv gc' removes unused store entries) and run the command again.",
      });
    }
  } catch (e) {
    res.body.destroy();
    throw e;
  }
  const guard = new SpaceGuard(dir, `${label}: downloading ${url}`, undefined);
  const hash = createHash(opts.algorithm);
  const sha = opts.sha256Too && opts.algorithm !== "sha256" ? createHash("sha256") : undefined;
  let bytes = 0;
  const fd = openSync(file, "w", 0o600);
  try {
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      if (size !== undefined && bytes > size) throw tooLarge(opts.url, size, `the download went on past ${size} bytes`);
      guard.charge(chunk.length);
      try {
        for (let off = 0; off < chunk.length; ) off += writeSync(fd, chunk, off, chunk.length - off);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === "ENOSPC" || code === "EDQUOT") throw noSpaceError(`${label}: downloading ${url}`, dir, e);
        throw e;
      }
      hash.update(chunk);
      sha?.update(chunk);
      task.advance(chunk.length);
    }
  } catch (e) {
    res.body.destroy();
    throw e;
  } finally {
    closeSync(fd);
  }
  const digest = formatDigest(opts.algorithm, hash);
  return { digest, bytes, ...(opts.sha256Too ? { sha256: sha ? sha.digest("hex") : digest } : {}) };
}

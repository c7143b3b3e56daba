import { createHash } from "node:crypto";
import { closeSync, openSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import type { DownloadTask } from "../reporter.js";
import { DevenvError, redactUrl } from "../errors.js";
import type { HttpResponse } from "../platform/http.js";
import { formatBytes, fsSpace, noSpaceError, SpaceGuard } from "./space.js";

/**
 * What a download must hash to: a sha256 in hex, or an SRI sha512 (`sha512-<base64>`, npm's
 * dist.integrity). A file anchored by its integrity may have a sha256 recorded beside it (devenv
 * computed it from bytes it verified: a cache's address for them); it must match too.
 */
export interface ExpectedDigest {
  algorithm: "sha256" | "sha512";
  /** As written in the lock: hex for sha256, the SRI string for sha512. */
  value: string;
  /** The sha256 devenv.lock records beside the integrity (algorithm "sha512" only). */
  sha256?: string;
}

export function expectedDigest(a: { sha256?: string | undefined; integrity?: string | undefined }): ExpectedDigest {
  if (a.integrity !== undefined && a.integrity.startsWith("sha512-")) {
    return { algorithm: "sha512", value: a.integrity, ...(a.sha256 !== undefined ? { sha256: a.sha256 } : {}) };
  }
  if (a.sha256 !== undefined) return { algorithm: "sha256", value: a.sha256 };
  throw new DevenvError("CHECKSUM_MISSING", "the artifact has no sha256 or sha512 integrity to check", {
    hint: "Nothing was downloaded. Restore devenv.lock from version control or run 'devenv lock' again.",
  });
}

/** The digest in the form the lock writes it. */
export const formatDigest = (algorithm: ExpectedDigest["algorithm"], hash: ReturnType<typeof createHash>) =>
  algorithm === "sha256" ? hash.digest("hex") : `sha512-${hash.digest("base64")}`;

/**
 * Hashes bytes as they pass, once: the expected algorithm's digest and, for an integrity, the sha256
 * beside it (checked against the lock's, or recorded there when it has none).
 */
export class DigestPass {
  readonly #main: ReturnType<typeof createHash>;
  readonly #sha256: ReturnType<typeof createHash> | undefined;
  constructor(readonly algorithm: ExpectedDigest["algorithm"]) {
    this.#main = createHash(algorithm);
    this.#sha256 = algorithm === "sha256" ? undefined : createHash("sha256");
  }
  update(chunk: Buffer): void {
    this.#main.update(chunk);
    this.#sha256?.update(chunk);
  }
  /** `digest` in the lock's form; `sha256` of the same bytes (the digest itself for a sha256). */
  result(): { digest: string; sha256: string } {
    const digest = formatDigest(this.algorithm, this.#main);
    return { digest, sha256: this.#sha256 ? this.#sha256.digest("hex") : digest };
  }
}

/**
 * Compare what the bytes hashed to with what the lock expects: the integrity (or the sha256) first,
 * then the sha256 recorded beside an integrity. `sha256` is the bytes' sha256 (required then).
 */
export function checkDigest(url: string, expected: ExpectedDigest, actual: string, sha256?: string): void {
  if (expected.value !== actual) {
    const name = expected.algorithm === "sha256" ? "sha256" : "integrity";
    throw new DevenvError("CHECKSUM_MISMATCH", `checksum mismatch for ${redactUrl(url)}: expected ${name} ${expected.value}, got ${actual}`, {
      hint: "The download differs from the published or locked checksum; nothing was installed. If the upstream re-published it, check why before running 'devenv update'.",
    });
  }
  if (expected.sha256 !== undefined && expected.sha256 !== sha256) {
    throw new DevenvError("CHECKSUM_MISMATCH", `devenv.lock's sha256 for ${redactUrl(url)} does not match the bytes whose sha512 integrity it also records: the sha256 (${expected.sha256}) was edited or recorded wrongly; the bytes' sha256 is ${sha256 ?? "not known"}`, {
      hint: "Nothing was installed. Remove that sha256 line from devenv.lock (devenv install records it again from the verified bytes) or restore devenv.lock from version control.",
    });
  }
}

const tooLarge = (url: string, size: number, what: string) =>
  new DevenvError("CHECKSUM_MISMATCH", `${redactUrl(url)}: ${what}, more than the ${size} bytes devenv.lock records for it`, {
    hint: "The server sends something other than what was locked; nothing was unpacked. Check the URL and mirrors (DEVENV_MIRRORS); if the upstream re-published it, check why before running 'devenv update'.",
  });

/**
 * Save an HTTP body to `file` while hashing it, and return its digest and its sha256 (the same
 * for a sha256; computed on the same pass for an integrity). Nothing is unpacked here:
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
}): Promise<{ digest: string; bytes: number; sha256: string }> {
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
  const hash = new DigestPass(opts.algorithm);
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
      task.advance(chunk.length);
    }
  } catch (e) {
    res.body.destroy();
    throw e;
  } finally {
    closeSync(fd);
  }
  return { ...hash.result(), bytes };
}

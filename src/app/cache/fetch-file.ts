/**
 * One locked file, downloaded and verified into `dest`, for push and bundle: from the team's cache
 * when it has it (a bundle made next to a cache copies from there), else from the upstream (through
 * DEVENV_MIRRORS). Verified against every digest the lock has for it before anyone uses the file.
 */
import { rmSync } from "node:fs";
import { checkDigest, downloadToFile, expectedDigest } from "../../store/download.js";
import type { BlobSource } from "../../store/blob-source.js";
import type { ArtifactFile } from "../../recipes/types.js";
import type { AppContext } from "../context.js";

export async function fetchVerified(ctx: Pick<AppContext, "http" | "reporter" | "dirs">, file: ArtifactFile, dest: string, label: string, source?: BlobSource): Promise<{ bytes: number; sha256: string }> {
  const expected = expectedDigest(file);
  const task = ctx.reporter.download(label, file.size);
  try {
    if (source && file.sha256 !== undefined) {
      const blob = await source.open({ ...file, sha256: file.sha256 }, label);
      if (blob) {
        try {
          const got = await downloadToFile({ res: { url: blob.where, finalUrl: blob.where, status: 200, size: blob.size, next: undefined, body: blob.body }, url: file.url, file: dest, label, size: file.size, algorithm: expected.algorithm, task, spaceDir: ctx.dirs.store });
          checkDigest(file.url, expected, got.digest, got.sha256);
          task.done("from the cache");
          return { bytes: got.bytes, sha256: got.sha256 };
        } catch (e) {
          rmSync(dest, { force: true });
          source.rejected(file, label, e as Error);
        }
      }
    }
    const res = await ctx.http.get(file.url);
    const got = await downloadToFile({ res, url: file.url, file: dest, label, size: file.size, algorithm: expected.algorithm, task, spaceDir: ctx.dirs.store });
    checkDigest(file.url, expected, got.digest, got.sha256);
    task.done();
    return { bytes: got.bytes, sha256: got.sha256 };
  } catch (e) {
    rmSync(dest, { force: true });
    task.fail((e as Error).message);
    throw e;
  }
}

/**
 * One archive of an install: download it to a file in the entry's temp dir while hashing, compare
 * the digest, and only then unpack it from the file. No byte of an unverified download reaches the
 * tree (it stays one file, removed with the temp dir); the download is bounded by the lock's size
 * and the free space, the unpacked tree by the SpaceGuard. Loaded lazily by install.ts: tar and
 * the decompressors stay off the path of `exec` & co.
 */
import { createReadStream, readdirSync, lstatSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { DownloadTask } from "../reporter.js";
import { redactUrl } from "../errors.js";
import type { Http } from "../platform/http.js";
import type { ArtifactFile } from "../recipes/types.js";
import type { BlobSource } from "./blob-source.js";
import { requireBzip2, tarStream } from "./decompress.js";
import { checkDigest, DigestPass, downloadToFile, expectedDigest, type ExpectedDigest } from "./download.js";
import { keepIfAsked, takeKeptDownload } from "./kept-downloads.js";
import { TreeWriter, type FileRecord } from "./extract-tree.js";
import type { SpaceGuard } from "./space.js";
import { unpackError, type UnpackWhere } from "./unpack-errors.js";
import { unpackSingle } from "./unpack-single.js";
import { unpackTar } from "./unpack-tar.js";
import { unpackZip } from "./unpack-zip.js";
import { isSingleFile } from "../recipes/formats.js";
import { unpackThreads } from "./unpack-threads.js";

export interface FetchOptions {
  http: Http;
  file: ArtifactFile;
  /** Where to unpack (created). */
  dir: string;
  /** The download's path (in the entry's temp dir). */
  scratch: string;
  store: string;
  /** e.g. "zig 0.13.0" */
  label: string;
  /** A raw download becomes `bin/<rawName>`. */
  rawName: string;
  task: DownloadTask;
  /** Set the task's total from the response's Content-Length. */
  sizeFromResponse: boolean;
  /** Charges the unpacked bytes (shared by all archives of one entry). */
  guard: SpaceGuard;
  /** strip: "auto": unpack as is, then make a lone top directory the root (symlinks checked against it). */
  hoist: boolean;
  /** A team's cache, asked before the upstream for a file the lock pins by sha256. */
  cache?: BlobSource | undefined;
  /** Called when the file came from the cache (the install's line says so). */
  fromCache?: () => void;
}

/**
 * Returns what was written, relative to the returned root (`dir`, or its lone top directory when
 * hoisted), and the sha256 of the verified download (for an integrity-anchored file, devenv.lock
 * records it beside the integrity).
 */
export async function fetchAndUnpack(o: FetchOptions): Promise<{ root: string; files: FileRecord[]; sha256: string }> {
  const { file } = o;
  if (file.format === "bz2" || file.format === "tar.bz2") requireBzip2(o.label, redactUrl(file.url));
  const expected = expectedDigest(file);
  unpackThreads(0); // a bad DEVENV_UNPACK_THREADS is refused before downloading
  const where: UnpackWhere = { label: o.label, archive: redactUrl(file.url), store: o.store };
  const isTar = file.format !== "raw" && file.format !== "zip" && !isSingleFile(file.format);
  const strip = file.strip === "auto" ? 0 : file.strip;
  // A large tar's unpacking threads start as its download does (they take ~100 ms of CPU to boot,
  // beside the download instead of before the unpack); they only write once the bytes verified.
  let writer: TreeWriter | undefined;
  const startWriter = (bytes: number) => (writer ??= new TreeWriter(o.dir, where, strip, o.guard, isTar ? unpackThreads(bytes) : 0));
  const early = (size: number) => {
    if (isTar && unpackThreads(size) > 0) startWriter(size);
  };
  try {
    // The lock's sha256 (beside an integrity too) is what a kept download and the cache are found by.
    const keptSha256 = expected.algorithm === "sha256" ? expected.value : expected.sha256;
    const { digest, bytes, sha256 } =
      (keptSha256 !== undefined && ((await reuseKept(o, keptSha256, expected)) || (await fromCache(o, expected)))) || (await download(o, expected, early));
    checkDigest(file.url, expected, digest, sha256);
    keepIfAsked(o.store, file.url, sha256, o.scratch);

    // Verified: from here on, every failure is about the archive (or the disk), never the network.
    const w = startWriter(bytes);
    try {
      switch (file.format) {
        case "raw":
          w.adopt(`bin/${o.rawName}`, o.scratch, 0o755, bytes, sha256);
          break;
        case "zip":
          await unpackZip(o.scratch, w, where);
          break;
        case "gz":
        case "xz":
        case "zst":
        case "bz2":
          await unpackSingle(o.scratch, file.format, file.url, where.archive, w);
          break;
        default:
          await unpackTar(await tarStream(o.scratch, file.format), w);
      }
      await w.finish();
    } catch (e) {
      throw unpackError(e, where, file.format);
    } finally {
      rmSync(o.scratch, { force: true }); // room for the next part
    }
    return result(o, w, sha256);
  } finally {
    await (writer as TreeWriter | undefined)?.dispose();
  }
}

/** What was written, relative to the root (hoisted to the lone top directory if asked). */
function result(o: FetchOptions, writer: TreeWriter, sha256: string): { root: string; files: FileRecord[]; sha256: string } {
  const top = o.hoist ? loneDir(o.dir) : undefined;
  writer.checkSymlinks(top);
  const files = writer.files.filter((f) => f.path !== "");
  if (top === undefined) return { root: o.dir, files, sha256 };
  const prefix = `${top}/`;
  return {
    root: join(o.dir, top),
    sha256,
    files: files.filter((f) => f.path.startsWith(prefix)).map((f) => ({ ...f, path: f.path.slice(prefix.length) })),
  };
}

/** `sized` learns the Content-Length (if any) before the body is read. */
async function download(o: FetchOptions, expected: ExpectedDigest, sized: (size: number) => void) {
  const res = await o.http.get(o.file.url);
  if (o.sizeFromResponse && res.size !== undefined) o.task.total = res.size;
  if (res.size !== undefined) {
    try {
      sized(res.size);
    } catch (e) {
      res.body.destroy();
      throw e;
    }
  }
  return downloadToFile({
    res, url: o.file.url, file: o.scratch, label: o.label, size: o.file.size, algorithm: expected.algorithm, task: o.task, spaceDir: o.store,
  });
}

/**
 * The file from the team's cache, verified like a download; undefined (so the upstream is used) on a
 * miss, or when the bytes do not verify or break off (the source reports that loudly).
 */
async function fromCache(o: FetchOptions, expected: ExpectedDigest): Promise<{ digest: string; bytes: number; sha256: string } | undefined> {
  const sha = o.file.sha256;
  if (!o.cache || sha === undefined) return undefined;
  const blob = await o.cache.open({ ...o.file, sha256: sha }, o.label);
  if (!blob) return undefined;
  // Counted, so that a refused copy's bytes can be taken back off the progress.
  let counted = 0;
  const task = { ...o.task, advance: (n: number) => ((counted += n), o.task.advance(n)) };
  try {
    const got = await downloadToFile({
      res: { url: blob.where, finalUrl: blob.where, status: 200, size: blob.size, next: undefined, body: blob.body },
      url: o.file.url, file: o.scratch, label: o.label, size: o.file.size, algorithm: expected.algorithm, task, spaceDir: o.store,
    });
    checkDigest(o.file.url, expected, got.digest, got.sha256);
    o.fromCache?.();
    return got;
  } catch (e) {
    o.task.advance(-counted);
    rmSync(o.scratch, { force: true });
    // Even a full disk goes upstream: a hostile cache can send bytes until the store's reserve is
    // reached, and those are gone now. If the disk really is full, the upstream download says so.
    o.cache.rejected(o.file, o.label, e as Error);
    return undefined;
  }
}

/**
 * The file this process downloaded when it locked the artifact (first-download), moved into place
 * and hashed again like a download (every digest the lock has for it), so the install does not
 * fetch it a second time.
 */
async function reuseKept(o: FetchOptions, sha256: string, expected: ExpectedDigest): Promise<{ digest: string; bytes: number; sha256: string } | undefined> {
  const kept = takeKeptDownload(o.file.url, sha256);
  if (kept === undefined) return undefined;
  try {
    renameSync(kept, o.scratch);
  } catch {
    return undefined;
  }
  const hash = new DigestPass(expected.algorithm);
  let bytes = 0;
  for await (const chunk of createReadStream(o.scratch) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  if (o.file.size !== undefined && bytes > o.file.size) return undefined;
  o.task.advance(bytes);
  return { ...hash.result(), bytes };
}

/** The name of the only entry of `dir` if it is a real directory (lstat: a lone `top -> .` link is not). */
function loneDir(dir: string): string | undefined {
  const top = readdirSync(dir);
  return top.length === 1 && lstatSync(join(dir, top[0]!)).isDirectory() ? top[0] : undefined;
}

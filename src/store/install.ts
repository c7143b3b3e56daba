import { createHash } from "node:crypto";
import { chmodSync, existsSync, lstatSync, readdirSync } from "node:fs";
import { rename } from "node:fs/promises";
import { join } from "node:path";
import type { Reporter } from "../reporter.js";
import { DevenvError, redactUrl } from "../errors.js";
import { acquireLock } from "../platform/filelock.js";
import { writeFileAtomic } from "../platform/fs.js";
import type { Http } from "../platform/http.js";
import { isSingleFile } from "../recipes/formats.js";
import type { ComputedSha256 } from "../lock/computed-sha256.js";
import type { Artifact, ArtifactFile, InstallTree } from "../recipes/types.js";
import type { BlobSource } from "./blob-source.js";
import type { FileRecord } from "./extract-tree.js";
import { DirInstallTree, scanTree } from "./install-tree.js";
import { RECEIPT, entryDir, lockPath, type StoreKey } from "./layout.js";
import { readReceipt, type Receipt } from "./receipt.js";
import { safeMode } from "./safe-path.js";
import { noSpaceError, SpaceGuard, unpackCap } from "./space.js";
import { makeTempDir, removeTempDir } from "./temp.js";

export interface InstallSpec {
  name: string;
  version: string;
  platform: string;
  source: string;
  recipeRevision: number;
  artifact: Artifact;
  /** PATH dirs relative to the install root; undefined = "bin" if present, else the root. */
  bin: string[] | undefined;
  /** Files (relative to the install root) to chmod +x after unpacking (zips may carry no modes). */
  executables?: string[];
  /** The recipe's fix-ups of the unpacked tree (assemble parts, recreate symlinks, patch paths). */
  postInstall?: (tree: InstallTree) => void | Promise<void>;
}

export interface InstalledTool {
  name: string;
  version: string;
  dir: string;
  receipt: Receipt;
  /** True when this call downloaded it. */
  fresh: boolean;
  /**
   * The sha256 of each integrity-anchored file (the artifact, its parts), computed from the bytes
   * verified when the entry was installed (its receipt keeps them): devenv.lock records those it
   * lacks (lock/computed-sha256.ts).
   */
  digests: ComputedSha256[];
}

/** The receipt's sha256 of each file it records an integrity for (entries installed before it kept none have none). */
export function receiptDigests(r: Receipt): ComputedSha256[] {
  const out: ComputedSha256[] = [];
  if (r.integrity !== undefined && r.sha256 !== undefined) out.push({ url: r.url, integrity: r.integrity, sha256: r.sha256 });
  for (const p of r.parts ?? []) if (p.digest.startsWith("sha512-") && p.sha256 !== undefined) out.push({ url: p.url, integrity: p.digest, sha256: p.sha256 });
  return out;
}

/**
 * The digest part of the store key: the artifact's sha256 (unchanged for single-file artifacts),
 * its SRI integrity, or, with parts, a sha256 over every file's digest (so rust with another
 * target set is another entry). A file anchored by its integrity is keyed by it even once devenv.lock
 * records its sha256 too: recording it moves no entry (nothing is installed again).
 */
export function artifactKeyDigest(a: Artifact): string {
  const own = fileKeyDigest(a);
  if (!a.parts?.length) return own;
  const h = createHash("sha256").update(own);
  for (const p of a.parts) h.update(`\0${p.name}\0${p.dir ?? ""}\0${fileKeyDigest(p)}`);
  return h.digest("hex");
}

const fileKeyDigest = (f: ArtifactFile) => f.integrity ?? f.sha256 ?? "";

export const keyOf = (s: InstallSpec): StoreKey => ({
  name: s.name, version: s.version, platform: s.platform, sha256: artifactKeyDigest(s.artifact), recipeRevision: s.recipeRevision,
});

/** The installed entry if present (a directory with a receipt), else undefined. No I/O beyond a stat. */
export function findInstalled(store: string, spec: InstallSpec): InstalledTool | undefined {
  const dir = entryDir(store, keyOf(spec));
  const receipt = readReceipt(dir);
  return receipt ? { name: spec.name, version: spec.version, dir, receipt, fresh: false, digests: receiptDigests(receipt) } : undefined;
}

/**
 * Make sure the artifact is in the store: download to a temp file while hashing → verify the
 * digest → decompress and unpack into a temp dir → atomic rename. Concurrent callers (other
 * processes too) wait on a file lock and reuse the first one's result, so the artifact is
 * downloaded once.
 */
export async function ensureInstalled(store: string, http: Http, spec: InstallSpec, reporter: Reporter, opts: { cache?: BlobSource | undefined } = {}): Promise<InstalledTool> {
  const existing = findInstalled(store, spec);
  if (existing) return existing;
  const label = `${spec.name} ${spec.version}`;
  const lock = await acquireLock(lockPath(store, keyOf(spec)), {
    onWait: () => reporter.info(`waiting for another devenv installing ${label}`),
  });
  try {
    const again = findInstalled(store, spec);
    if (again) return again;
    for (let attempt = 1; ; attempt++) {
      try {
        return await installOnce(store, http, spec, reporter, label, opts.cache);
      } catch (e) {
        if (!isTransient(e) || attempt >= 3) throw wrapError(e, spec, store);
        reporter.warn(`${label}: download interrupted (${(e as Error).message}); retrying`);
        await new Promise((r) => setTimeout(r, 300 * attempt));
      }
    }
  } finally {
    await lock.release();
  }
}

/**
 * Socket failures in the middle of a body, which the HTTP client passes through as they are. Its
 * own timeouts (connect, first byte, idle, minimum speed) arrive as DevenvErrors, never retried.
 */
const TRANSIENT = new Set(["ECONNRESET", "ECONNREFUSED", "ETIMEDOUT", "EPIPE", "UND_ERR_SOCKET", "UND_ERR_RES_CONTENT_LENGTH_MISMATCH"]);

/** A network failure mid-download is worth another try; a bad archive or checksum is not. */
function isTransient(e: unknown): boolean {
  if (e instanceof DevenvError) return false;
  const code = (e as { code?: string })?.code;
  return code !== undefined && TRANSIENT.has(code);
}

/** Network failures, and fs failures outside unpacking (the receipt, the final rename), said plainly. */
function wrapError(e: unknown, spec: InstallSpec, store: string): unknown {
  if (e instanceof DevenvError) return e;
  const label = `${spec.name} ${spec.version}`;
  const code = (e as { code?: string })?.code ?? "";
  if (code === "ENOSPC" || code === "EDQUOT") return noSpaceError(`${label}: installing`, store, e);
  const network = TRANSIENT.has(code) || code.startsWith("UND_ERR");
  return new DevenvError("IO", `installing ${label} from ${redactUrl(spec.artifact.url)} failed: ${(e as Error).message}`, {
    cause: e,
    hint: network
      ? "Nothing was installed. Check the network (HTTPS_PROXY/NO_PROXY, DEVENV_MIRRORS) and run the command again."
      : `Nothing was installed. Check that the store (${store}) is writable, then run the command again.`,
  });
}

async function installOnce(store: string, http: Http, spec: InstallSpec, reporter: Reporter, label: string, cache: BlobSource | undefined): Promise<InstalledTool> {
  const cap = unpackCap();
  const key = keyOf(spec);
  const final = entryDir(store, key);
  const tmp = makeTempDir(store, final.slice(store.length + 1, store.length + 9));
  const unpackDir = join(tmp, "u");
  const { artifact } = spec;
  const parts = artifact.parts ?? [];
  const total = [artifact, ...parts].reduce<number | undefined>((n, f) => (n === undefined || f.size === undefined ? undefined : n + f.size), 0);
  const task = reporter.download(label, total);
  try {
    // Imported here, not at the top: tar and the decompressors stay off the path of `exec` & co.
    const { fetchAndUnpack } = await import("./fetch-unpack.js");
    const guard = new SpaceGuard(store, `${label}: unpacking`, cap);
    let cached = 0;
    const common = { http, store, label, rawName: spec.name, task, guard, cache, fromCache: () => void cached++ };
    const main = await fetchAndUnpack({
      ...common,
      file: artifact,
      dir: unpackDir,
      scratch: scratch(tmp, 0),
      sizeFromResponse: parts.length === 0 && artifact.size === undefined,
      // A raw download is bin/<name>: never lift bin/ (an inline tool's strip defaults to "auto");
      // a single compressed file is one file at the root: nothing to lift.
      hoist: artifact.strip === "auto" && artifact.format !== "raw" && !isSingleFile(artifact.format),
    });
    const root = main.root;
    let files = main.files;
    // The sha256 of each verified download (the lock's own, or computed beside its integrity).
    const partSha256: string[] = [];
    for (const [i, part] of parts.entries()) {
      const dir = part.dir ? join(root, part.dir) : root;
      partSha256.push((await fetchAndUnpack({ ...common, file: part, dir, scratch: scratch(tmp, i + 1), sizeFromResponse: false, hoist: false })).sha256);
    }
    if (spec.postInstall) await runPostInstall(spec, root, final, label);
    if (parts.length || spec.postInstall) files = scanTree(root);
    const bin = resolveBin(root, spec, label);
    if (spec.executables?.length) makeExecutable(root, spec.executables, files, label);
    const receipt: Receipt = {
      receiptVersion: 1,
      name: spec.name,
      version: spec.version,
      platform: spec.platform,
      source: spec.source,
      url: artifact.url,
      sha256: main.sha256,
      ...(artifact.integrity !== undefined ? { integrity: artifact.integrity } : {}),
      ...(parts.length ? { parts: parts.map((p, i) => ({ name: p.name, url: p.url, digest: fileKeyDigest(p), sha256: partSha256[i]! })) } : {}),
      recipeRevision: spec.recipeRevision,
      installedAt: new Date().toISOString(),
      bin,
      files,
    };
    await writeFileAtomic(join(root, RECEIPT), JSON.stringify(receipt) + "\n", { fsync: false });
    await rename(root, final);
    const count = 1 + parts.length;
    task.done(cached === 0 ? undefined : `${cached === count ? "" : `${cached} of ${count} files `}from the cache`);
    return { name: spec.name, version: spec.version, dir: final, receipt, fresh: true, digests: receiptDigests(receipt) };
  } catch (e) {
    task.fail(e instanceof Error ? e.message : String(e));
    throw e;
  } finally {
    await removeTempDir(tmp);
  }
}

const scratch = (tmp: string, i: number) => join(tmp, `download-${i}`);

async function runPostInstall(spec: InstallSpec, root: string, final: string, label: string): Promise<void> {
  try {
    await spec.postInstall!(new DirInstallTree(root, final, label));
  } catch (e) {
    if (e instanceof DevenvError) throw e;
    throw new DevenvError("ARCHIVE", `${label}: preparing the unpacked files failed: ${(e as Error).message}`, {
      cause: e,
      hint: "The upstream layout may have changed; nothing was installed. Report it with the version and platform.",
    });
  }
}

/** chmod u+x,go+rx the listed regular files (never through a symlink) and record the new mode. */
function makeExecutable(root: string, paths: string[], files: FileRecord[], label: string): void {
  for (const rel of paths) {
    const abs = join(root, rel);
    let st;
    try {
      st = lstatSync(abs);
    } catch {
      st = undefined;
    }
    if (!st?.isFile()) {
      const top = readdirSync(root).filter((n) => n !== RECEIPT).slice(0, 12).join(", ");
      throw new DevenvError("ARCHIVE", `${label}: the archive has no file '${rel}' (top level: ${top || "empty"})`, {
        hint: "The upstream layout changed; nothing was installed.",
      });
    }
    const mode = safeMode(st.mode | 0o755, 0o755);
    chmodSync(abs, mode);
    const rec = files.find((f) => f.path === rel);
    if (rec) rec.mode = mode;
  }
}

function resolveBin(root: string, spec: InstallSpec, label: string): string[] {
  if (spec.bin === undefined) return existsSync(join(root, "bin")) ? ["bin"] : ["."];
  const missing = spec.bin.filter((b) => !existsSync(join(root, b)));
  if (missing.length) {
    const top = readdirSync(root).filter((n) => n !== RECEIPT).slice(0, 12).join(", ");
    throw new DevenvError("ARCHIVE", `${label}: the archive has no ${missing.map((m) => `'${m}/'`).join(", ")} (top level: ${top || "empty"})`, {
      hint: "The upstream layout changed or strip/bin are wrong; for an inline tool set strip and bin in devenv.ts.",
    });
  }
  return spec.bin;
}

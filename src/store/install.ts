import { chmodSync, existsSync, lstatSync, readdirSync, renameSync } from "node:fs";
import { rename } from "node:fs/promises";
import { join } from "node:path";
import type { Reporter } from "../app/reporter.js";
import { DevenvError, redactUrl } from "../errors.js";
import { acquireLock } from "../platform/filelock.js";
import { writeFileAtomic } from "../platform/fs.js";
import type { Http } from "../platform/http.js";
import type { Artifact } from "../registry/types.js";
import { TreeWriter, type FileRecord } from "./extract-tree.js";
import { RECEIPT, entryDir, lockPath, type StoreKey } from "./layout.js";
import { readReceipt, type Receipt } from "./receipt.js";
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
}

export interface InstalledTool {
  name: string;
  version: string;
  dir: string;
  receipt: Receipt;
  /** True when this call downloaded it. */
  fresh: boolean;
}

const keyOf = (s: InstallSpec): StoreKey => ({
  name: s.name, version: s.version, platform: s.platform, sha256: s.artifact.sha256, recipeRevision: s.recipeRevision,
});

/** The installed entry if present (a directory with a receipt), else undefined. No I/O beyond a stat. */
export function findInstalled(store: string, spec: InstallSpec): InstalledTool | undefined {
  const dir = entryDir(store, keyOf(spec));
  const receipt = readReceipt(dir);
  return receipt ? { name: spec.name, version: spec.version, dir, receipt, fresh: false } : undefined;
}

/**
 * Make sure the artifact is in the store: download → sha256 → decompress → unpack into a temp
 * dir → verify → atomic rename. Concurrent callers (other processes too) wait on a file lock and
 * reuse the first one's result, so the artifact is downloaded once.
 */
export async function ensureInstalled(store: string, http: Http, spec: InstallSpec, reporter: Reporter): Promise<InstalledTool> {
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
        return await installOnce(store, http, spec, reporter, label);
      } catch (e) {
        if (!isTransient(e) || attempt >= 3) throw wrapError(e, spec);
        reporter.warn(`${label}: download interrupted (${(e as Error).message}); retrying`);
        await new Promise((r) => setTimeout(r, 300 * attempt));
      }
    }
  } finally {
    await lock.release();
  }
}

const TRANSIENT = new Set([
  "ECONNRESET", "ECONNREFUSED", "ETIMEDOUT", "EPIPE", "UND_ERR_SOCKET", "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_CONNECT_TIMEOUT", "UND_ERR_RES_CONTENT_LENGTH_MISMATCH",
]);

/** A network failure mid-download is worth another try; a bad archive or checksum is not. */
function isTransient(e: unknown): boolean {
  if (e instanceof DevenvError) return false;
  const code = (e as { code?: string })?.code;
  return code !== undefined && TRANSIENT.has(code);
}

function wrapError(e: unknown, spec: InstallSpec): unknown {
  if (e instanceof DevenvError) return e;
  return new DevenvError("IO", `installing ${spec.name} ${spec.version} from ${redactUrl(spec.artifact.url)} failed: ${(e as Error).message}`, {
    cause: e,
    hint: "Nothing was installed; retry, or check the network and disk space.",
  });
}

async function installOnce(store: string, http: Http, spec: InstallSpec, reporter: Reporter, label: string): Promise<InstalledTool> {
  const key = keyOf(spec);
  const final = entryDir(store, key);
  const tmp = makeTempDir(store, final.slice(store.length + 1, store.length + 9));
  const unpackDir = join(tmp, "u");
  const { artifact } = spec;
  const task = reporter.download(label, artifact.size);
  try {
    // Imported here, not at the top: tar and the decompressors stay off the path of `exec` & co.
    const { checkDigest, streamUnpack, unpackZip } = await import("./download.js");
    const { decompressorFactory } = await import("./decompress.js");
    const makeDecompressor = await decompressorFactory(artifact.format);
    const res = await http.get(artifact.url);
    if (res.size !== undefined && artifact.size === undefined) task.total = res.size;
    const strip = artifact.strip === "auto" ? 0 : artifact.strip;
    const writer = new TreeWriter(unpackDir, redactUrl(artifact.url), strip);
    const scratch = join(tmp, "download");
    const { digest, error } = await streamUnpack({ res, format: artifact.format, writer, task, scratchFile: scratch, rawName: spec.name, makeDecompressor });
    checkDigest(artifact.url, artifact.sha256, digest);
    if (error) throw error;
    if (artifact.format === "zip") await unpackZip(scratch, writer, redactUrl(artifact.url));
    writer.checkSymlinks();

    let root = unpackDir;
    let files = writer.files.filter((f) => f.path !== "");
    if (artifact.strip === "auto") ({ root, files } = hoistLoneDir(unpackDir, files));
    const bin = resolveBin(root, spec, label);
    if (spec.executables?.length) makeExecutable(root, spec.executables, files, label);
    const receipt: Receipt = {
      receiptVersion: 1,
      name: spec.name,
      version: spec.version,
      platform: spec.platform,
      source: spec.source,
      url: artifact.url,
      sha256: artifact.sha256,
      recipeRevision: spec.recipeRevision,
      installedAt: new Date().toISOString(),
      bin,
      files,
    };
    await writeFileAtomic(join(root, RECEIPT), JSON.stringify(receipt) + "\n", { fsync: false });
    await rename(root, final);
    task.done();
    return { name: spec.name, version: spec.version, dir: final, receipt, fresh: true };
  } catch (e) {
    task.fail(e instanceof Error ? e.message : String(e));
    throw e;
  } finally {
    await removeTempDir(tmp);
  }
}

/** strip: "auto" — an archive holding one top directory is unpacked from inside it. */
function hoistLoneDir(dir: string, files: FileRecord[]): { root: string; files: FileRecord[] } {
  const top = readdirSync(dir);
  // lstat: a lone top-level symlink (`top -> .`) must not become the entry.
  if (top.length !== 1 || !lstatSync(join(dir, top[0]!)).isDirectory()) return { root: dir, files };
  const prefix = `${top[0]}/`;
  const inner = join(dir, "..", "hoisted");
  renameSync(join(dir, top[0]!), inner);
  return {
    root: inner,
    files: files.filter((f) => f.path.startsWith(prefix)).map((f) => ({ ...f, path: f.path.slice(prefix.length) })),
  };
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
    const mode = (st.mode & 0o777) | 0o755;
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

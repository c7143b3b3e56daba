/**
 * Push a project's locked artifacts to a team's cache (`devenv cache push`, `install --push`), or
 * write them as an OCI layout (`devenv bundle`): every file of every platform devenv.lock pins, the
 * upstream's own bytes, verified against the lock before they are stored. A file the cache already
 * has is not downloaded again (HEAD first). Then one artifact manifest per tool+version+platform
 * and one index for the lock (src/cache/manifest.ts).
 *
 * The lock is checked against devenv.ts and each recipe first, as for an install: a pulled lock
 * cannot make devenv fetch (and publish) a URL its recipe would not give.
 */
import { mkdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { artifactManifest, lockIndex, type ManifestPlan, type PlannedArtifact, type PlannedFile } from "../../cache/manifest.js";
import { blobSize, EMPTY_CONFIG, MEDIA, type BlobStore } from "../../cache/types.js";
import { CacheError } from "../../cache/errors.js";
import { DevenvError } from "../../errors.js";
import type { LockFile } from "../../lock/types.js";
import type { PlatformKey, ArtifactFile } from "../../recipes/types.js";
import type { BlobSource } from "../../store/blob-source.js";
import { artifactKeyDigest } from "../../store/install.js";
import { takeKeptDownload } from "../../store/kept-downloads.js";
import { makeTempDir, removeTempDir } from "../../store/temp.js";
import type { ComputedSha256 } from "../../lock/computed-sha256.js";
import { fetchVerified } from "../cache/fetch-file.js";
import { recordSha256 } from "./record-sha256.js";
import type { AppContext } from "../context.js";
import { checkUsableEntry } from "./lock.js";
import { loadProject, readLock, recipeFor } from "./load.js";

export interface PushOptions {
  target: BlobStore;
  /** Where to copy from before the upstream (a bundle made next to a team's cache). */
  source?: BlobSource | undefined;
  /** Only these platforms of the lock (default: every platform it has). */
  platforms?: readonly PlatformKey[] | undefined;
}

export interface PushResult {
  /** Blobs written, and blobs the cache already had. */
  pushed: number;
  present: number;
  /** Bytes written. */
  bytes: number;
  manifests: string[];
  index: string;
  /** Files the lock pinned by integrity only: their sha256, computed from the verified bytes, is now in devenv.lock. */
  recorded: number;
}

interface Todo {
  file: ArtifactFile;
  label: string;
  /** Its place in its artifact's manifest (in the lock's order, whatever order the pushes finish in). */
  slot: PlannedFile;
  artifact: PlannedArtifact;
}

/** Some files could not be fetched: what was pushed stays, the lock's index is not written (it would name them). */
function notFetched(failed: Array<{ t: Todo; error: Error }>, r: PushResult, where: string): DevenvError {
  const lines = failed.slice(0, 8).map((f) => `  ${f.t.label}: ${f.error.message.split("\n")[0]}`);
  if (failed.length > 8) lines.push(`  … and ${failed.length - 8} more`);
  return new DevenvError("HTTP", `${where}: ${failed.length} file${failed.length === 1 ? "" : "s"} of devenv.lock could not be fetched, so the lock's index was not written (${r.pushed} blob${r.pushed === 1 ? "" : "s"} written, ${r.present} already there, ${r.manifests.length} artifact manifest${r.manifests.length === 1 ? "" : "s"}):\n${lines.join("\n")}`, {
    hint: "What was pushed stays. Check the network and DEVENV_MIRRORS, then run 'devenv cache push' again: only what the cache lacks is fetched.",
  });
}

export async function pushLock(ctx: AppContext, root: string, opts: PushOptions): Promise<PushResult> {
  const project = await loadProject(ctx, root);
  const { lock, text } = await readLock(root);
  if (text === undefined) {
    throw new DevenvError("LOCK_FROZEN", `no devenv.lock in ${root}`, { hint: "Run 'devenv lock' (or 'devenv install') first: the cache holds what devenv.lock pins." });
  }
  const planned = await plan(ctx, project.tools, lock, opts.platforms);
  const result: PushResult = { pushed: 0, present: 0, bytes: 0, manifests: [], index: "", recorded: 0 };
  const found: ComputedSha256[] = [];
  const tmp = makeTempDir(ctx.dirs.store, "push");
  try {
    await ensureEmptyConfig(opts.target, tmp, result);
    const todo = planned.todo;
    // Several files at once: the upstreams and the registry both serve in parallel. A file its
    // upstream will not give is noted and the rest go on; a cache that refuses stops everything.
    const failed: Array<{ t: Todo; error: Error }> = [];
    let stop: unknown;
    let next = 0;
    const worker = async () => {
      while (next < todo.length && stop === undefined) {
        const t = todo[next++]!;
        try {
          await pushFile(ctx, opts, t, join(tmp, `f${next}`), result, found);
        } catch (e) {
          if (e instanceof CacheError || !(e instanceof Error)) stop ??= e;
          else failed.push({ t, error: e });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(4, todo.length) }, worker));
    if (stop !== undefined) throw stop;
    // npm tarballs and the like: their sha256 goes into devenv.lock, so teammates find them by it.
    if (found.length && (await recordSha256(root, found))) result.recorded = found.length;
    const final = (await readLock(root)).text ?? text;
    const manifests: ManifestPlan[] = [];
    const incomplete = new Set(failed.map((f) => f.t.artifact));
    for (const a of planned.artifacts) {
      if (incomplete.has(a)) continue; // a manifest names every file of its artifact
      const m = artifactManifest(a);
      await opts.target.putManifest(m.bytes, MEDIA.manifest, m.tag);
      manifests.push(m);
      result.manifests.push(m.tag);
    }
    if (failed.length) {
      await opts.target.close();
      throw notFetched(failed, result, opts.target.where);
    }
    const index = lockIndex(manifests, final);
    await opts.target.putManifest(index.bytes, MEDIA.index, index.tag);
    result.index = index.tag;
    await opts.target.close();
  } finally {
    await removeTempDir(tmp);
  }
  return result;
}

/** Every (tool, platform, file) of the lock, checked against devenv.ts and the recipe. */
async function plan(ctx: AppContext, requests: Awaited<ReturnType<typeof loadProject>>["tools"], lock: LockFile, only: readonly PlatformKey[] | undefined) {
  const todo: Todo[] = [];
  const artifacts: PlannedArtifact[] = [];
  for (const req of requests) {
    const entry = lock.tools[req.name];
    if (!entry) throw new DevenvError("LOCK_FROZEN", `${req.name} is not in devenv.lock`, { hint: "Run 'devenv lock' first." });
    checkUsableEntry(req, await recipeFor(ctx, req, entry), entry);
    for (const [platform, artifact] of Object.entries(entry.platforms)) {
      if (!artifact || (only && !only.includes(platform as PlatformKey))) continue;
      const planned: PlannedArtifact = { tool: req.name, version: entry.version, platform, source: entry.source, key: keyHex(artifactKeyDigest(artifact)), files: [] };
      artifacts.push(planned);
      const files: Array<[ArtifactFile, string | undefined]> = [[artifact, undefined], ...(artifact.parts ?? []).map((p): [ArtifactFile, string] => [p, p.name])];
      for (const [file, part] of files) {
        const label = `${req.name} ${entry.version} ${platform}${part ? ` ${part}` : ""}`;
        // An integrity-only file's sha256 is known once push has downloaded and verified it.
        const slot: PlannedFile = { url: file.url, sha256: file.sha256 ?? "", size: -1, ...(part !== undefined ? { part } : {}) };
        planned.files.push(slot);
        todo.push({ file, label, slot, artifact: planned });
      }
    }
  }
  return { todo, artifacts };
}

/** A store key digest may be an SRI string: the tag wants hex. */
const keyHex = (k: string) => (/^[0-9a-f]{64}$/.test(k) ? k : Buffer.from(k.replace(/^sha512-/, ""), "base64").toString("hex"));

async function pushFile(ctx: AppContext, opts: PushOptions, t: Todo, scratch: string, result: PushResult, found: ComputedSha256[]): Promise<void> {
  const locked = t.file.sha256;
  if (locked !== undefined) {
    const size = await blobSize(opts.target, locked);
    if (size !== undefined) {
      result.present++;
      t.slot.size = size;
      return;
    }
  }
  // Downloaded and verified by the install this process just ran (install --push), or fetched now.
  const kept = locked === undefined ? undefined : takeKeptDownload(t.file.url, locked);
  const path = kept ?? scratch;
  try {
    const got = kept !== undefined ? { bytes: statSync(kept).size, sha256: locked! } : await fetchVerified(ctx, t.file, scratch, t.label, opts.source);
    t.slot.sha256 = got.sha256;
    t.slot.size = got.bytes;
    if (locked === undefined) {
      found.push({ url: t.file.url, integrity: t.file.integrity!, sha256: got.sha256 });
      if ((await blobSize(opts.target, got.sha256)) !== undefined) {
        result.present++;
        return;
      }
    }
    await opts.target.putBlob(got.sha256, got.bytes, path);
    result.pushed++;
    result.bytes += got.bytes;
  } finally {
    rmSync(path, { force: true });
  }
}

/** Every artifact manifest's config: the 2-byte `{}`. */
async function ensureEmptyConfig(target: BlobStore, tmp: string, result: PushResult): Promise<void> {
  const hex = EMPTY_CONFIG.digest.slice("sha256:".length);
  if ((await blobSize(target, hex)) !== undefined) return;
  mkdirSync(tmp, { recursive: true });
  const file = join(tmp, "empty-config");
  writeFileSync(file, "{}");
  await target.putBlob(hex, statSync(file).size, file);
  result.pushed++;
  result.bytes += 2;
}

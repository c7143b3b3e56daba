/** Shared bits of the registry tests: files of known bytes, the manifests devenv writes, failure capture. */
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { CacheError } from "../../src/cache/errors.js";
import { EMPTY_CONFIG, MEDIA, type BlobStore, type CredentialSource, type RegistryCredential } from "../../src/cache/types.js";

export const sha256hex = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");

const dir = mkdtempSync(join(tmpdir(), "devenv-registry-test-"));
process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
let n = 0;

/** A file of `size` random bytes: its path, bytes and sha256. */
export function blobFile(size: number): { path: string; bytes: Buffer; sha256: string } {
  const bytes = randomBytes(size);
  const path = join(dir, `blob-${n++}`);
  writeFileSync(path, bytes);
  return { path, bytes, sha256: sha256hex(bytes) };
}

export const noCredentials: CredentialSource = { lookup: async () => undefined };
export const credentials = (c: RegistryCredential, forHost?: string): CredentialSource => ({
  lookup: async (host) => (forHost === undefined || host === forHost ? c : undefined),
});

export async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Push `{}` (the empty config) and return an artifact manifest with one layer. */
export async function artifactManifest(store: BlobStore, layer: { sha256: string; size: number }): Promise<Buffer> {
  const config = blobFile(0);
  writeFileSync(config.path, "{}");
  if (!(await store.hasBlob(sha256hex("{}")))) await store.putBlob(sha256hex("{}"), 2, config.path);
  return Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: MEDIA.manifest,
    artifactType: MEDIA.artifact,
    config: { mediaType: EMPTY_CONFIG.mediaType, digest: EMPTY_CONFIG.digest, size: EMPTY_CONFIG.size },
    layers: [{ mediaType: MEDIA.download, digest: `sha256:${layer.sha256}`, size: layer.size }],
    annotations: { "dev.devenv.tool": "demo", "dev.devenv.version": "1.0.0" },
  }));
}

export const indexOf = (manifests: Array<{ sha256: string; size: number }>) => Buffer.from(JSON.stringify({
  schemaVersion: 2,
  mediaType: MEDIA.index,
  artifactType: MEDIA.lock,
  manifests: manifests.map((m) => ({ mediaType: MEDIA.manifest, digest: `sha256:${m.sha256}`, size: m.size, artifactType: MEDIA.artifact })),
}));

/** Runs `fn`, which must fail with a CacheError; returns it and how long it took. */
export async function cacheFailure(fn: () => Promise<unknown>): Promise<{ e: CacheError; ms: number }> {
  const t = performance.now();
  try {
    await fn();
  } catch (e) {
    assert.ok(e instanceof CacheError, `a CacheError, got ${(e as Error)?.stack ?? e}`);
    return { e, ms: performance.now() - t };
  }
  assert.fail("it did not fail");
}

/** Every text of an error a user or a log could see: message, hint, stack, causes, own properties. */
export function allText(e: unknown, depth = 0): string {
  if (depth > 5 || e === undefined || e === null) return "";
  if (typeof e !== "object") return String(e);
  const err = e as Error & { hint?: string; cause?: unknown };
  let own = "";
  try {
    own = JSON.stringify(e, Object.getOwnPropertyNames(e));
  } catch {
    own = "";
  }
  return [err.message, err.hint, err.stack, own, allText(err.cause, depth + 1)].join("\n");
}

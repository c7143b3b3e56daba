/**
 * A team's cache on an OCI registry (issue 18): the BlobStore of one repository, spoken in the
 * distribution spec's API. Blobs by sha256 (HEAD, GET following the registry's redirects to object
 * storage), uploads in one PUT or, past `chunkSize`, in PATCH chunks (never the single-POST form:
 * distribution 2.8 answers it 202), manifests and indexes by tag or digest.
 */
import { createHash } from "node:crypto";
import type { HttpLimits } from "../platform/http-limits.js";
import { boundedBody } from "../platform/http-body.js";
import { discard } from "../platform/http-request.js";
import { RegistryClient } from "./client.js";
import { header, readSmall, type RegistryResponse } from "./transport.js";
import type { BlobStore, CredentialSource, OpenedBlob } from "./types.js";
import { MEDIA } from "./types.js";
import { chunksOf, contentRange, uploadTarget, withDigest } from "./upload.js";
import type { CacheLocation } from "./url.js";

export const DEFAULT_CHUNK_SIZE = 64 << 20;
/** The most a manifest or index may be (the distribution registry's own limit is 4 MiB). */
const MANIFEST_MAX_BYTES = 4 << 20;

export interface RegistryOptions {
  credentials: CredentialSource;
  env?: NodeJS.ProcessEnv;
  limits?: Partial<HttpLimits>;
  userAgent?: string;
  /** Files larger than this are uploaded in chunks of this size. */
  chunkSize?: number;
}

const HEX = /^[0-9a-f]{64}$/;
/** A tag (the distribution spec's grammar) or a sha256 digest. */
const REFERENCE = /^(?:[A-Za-z0-9_][A-Za-z0-9._-]{0,127}|sha256:[0-9a-f]{64})$/;
const ref = (reference: string) => {
  if (!REFERENCE.test(reference)) throw new Error(`not a tag or sha256 digest: ${JSON.stringify(reference.slice(0, 200))}`);
  return reference;
};
const short = (sha256: string) => `sha256:${sha256.slice(0, 12)}…`;

export function openRegistry(loc: Extract<CacheLocation, { kind: "registry" }>, opts: RegistryOptions): BlobStore {
  const c = new RegistryClient(loc, opts);
  const chunkSize = opts.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const blob = (sha256: string) => {
    if (!HEX.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
    return c.url(`/blobs/sha256:${sha256}`);
  };

  async function hasBlob(sha256: string): Promise<boolean> {
    const doing = `check blob ${short(sha256)}`;
    const res = await c.call(doing, "pull", { method: "HEAD", url: blob(sha256) });
    if (res.status === 200) return discard(res.body), true;
    if (res.status === 404) return discard(res.body), false;
    throw await c.unexpected(doing, res);
  }

  /** HEAD's Content-Length (a manifest names each layer's size); a registry that sends none: asked by GET. */
  async function statBlob(sha256: string): Promise<number | undefined> {
    const doing = `check blob ${short(sha256)}`;
    const res = await c.call(doing, "pull", { method: "HEAD", url: blob(sha256) });
    if (res.status !== 200 && res.status !== 404) throw await c.unexpected(doing, res);
    discard(res.body);
    if (res.status === 404) return undefined;
    const len = Number.parseInt(header(res.headers, "content-length") ?? "", 10);
    if (Number.isFinite(len) && len >= 0) return len;
    const opened = await openBlob(sha256);
    opened?.body.destroy();
    return opened?.size;
  }

  async function openBlob(sha256: string): Promise<OpenedBlob | undefined> {
    const doing = `download blob ${short(sha256)}`;
    const res = await c.call(doing, "pull", { method: "GET", url: blob(sha256) });
    if (res.status === 404) return discard(res.body), undefined;
    if (res.status !== 200) throw await c.unexpected(doing, res);
    const len = Number.parseInt(header(res.headers, "content-length") ?? "", 10);
    return { body: boundedBody(res.body, res.url, c.limits), size: Number.isFinite(len) ? len : undefined, where: `${c.where}@sha256:${sha256}` };
  }

  /** The next upload URL from a response's Location. */
  function next(doing: string, res: RegistryResponse) {
    const location = header(res.headers, "location");
    const to = location === undefined ? undefined : uploadTarget(res.url, location);
    if (!to) throw c.error("protocol", `cache ${c.where} answered HTTP ${res.status} to ${doing} with ${location === undefined ? "no Location" : "an unusable Location"}`, "The registry does not answer as the OCI distribution spec says: check the registry's logs.");
    return to;
  }

  async function putBlob(sha256: string, size: number, file: string): Promise<void> {
    const doing = `upload blob ${short(sha256)}`;
    const octets = { "content-type": "application/octet-stream" };
    const start = await c.call(doing, "push", { method: "POST", url: c.url("/blobs/uploads/"), body: { kind: "bytes", data: Buffer.alloc(0) } });
    if (start.status !== 202) throw await c.unexpected(doing, start);
    discard(start.body);
    let at = next(doing, start);
    let done: RegistryResponse;
    if (size <= chunkSize) {
      done = await c.call(doing, "push", { method: "PUT", url: withDigest(at, sha256), headers: octets, body: { kind: "file", path: file, start: 0, length: size } });
    } else {
      for (const chunk of chunksOf(size, chunkSize)) {
        const res = await c.call(doing, "push", { method: "PATCH", url: at, headers: { ...octets, "content-range": contentRange(chunk) }, body: { kind: "file", ...chunk, path: file } });
        if (res.status !== 202) throw await c.unexpected(`${doing} (bytes ${contentRange(chunk)})`, res);
        discard(res.body);
        at = next(doing, res);
      }
      done = await c.call(doing, "push", { method: "PUT", url: withDigest(at, sha256), headers: octets, body: { kind: "bytes", data: Buffer.alloc(0) } });
    }
    if (done.status !== 201) throw await c.unexpected(doing, done);
    discard(done.body);
    agrees(doing, done, sha256);
  }

  /** A Docker-Content-Digest, when the registry sends one, names what devenv sent. */
  function agrees(doing: string, res: RegistryResponse, sha256: string): void {
    const said = header(res.headers, "docker-content-digest");
    if (said !== undefined && said !== `sha256:${sha256}`) {
      throw c.error("protocol", `cache ${c.where} stored ${JSON.stringify(said.slice(0, 80))} when asked to ${doing} (sha256:${sha256})`,
        "The registry changed the bytes devenv sent: check the registry (or a proxy in front of it).");
    }
  }

  async function putManifest(bytes: Buffer, mediaType: string, tag: string | undefined): Promise<string> {
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    const reference = tag ?? `sha256:${sha256}`;
    const doing = `store manifest ${tag ?? short(sha256)}`;
    const res = await c.call(doing, "push", { method: "PUT", url: c.url(`/manifests/${ref(reference)}`), headers: { "content-type": mediaType }, body: { kind: "bytes", data: bytes } });
    if (res.status !== 201) throw await c.unexpected(doing, res);
    discard(res.body);
    agrees(doing, res, sha256);
    return sha256;
  }

  async function getManifest(reference: string): Promise<{ bytes: Buffer; mediaType: string } | undefined> {
    const doing = `read manifest ${reference.startsWith("sha256:") ? short(reference.slice(7)) : reference}`;
    const res = await c.call(doing, "pull", { method: "GET", url: c.url(`/manifests/${ref(reference)}`), headers: { accept: `${MEDIA.manifest}, ${MEDIA.index}` } });
    if (res.status === 404) return discard(res.body), undefined;
    if (res.status !== 200) throw await c.unexpected(doing, res);
    const bytes = await readSmall(res.body, MANIFEST_MAX_BYTES).catch((e: Error) => {
      throw c.error("unreachable", `cache ${c.where} stopped sending while asked to ${doing}: ${(e as { code?: string }).code ?? "the connection failed"}`, "Retry; check the network and the registry.");
    });
    if (!bytes) throw c.error("protocol", `cache ${c.where} sent more than ${MANIFEST_MAX_BYTES >> 20} MiB to ${doing}`, "A manifest is small: check the cache URL and the registry.");
    const mediaType = (header(res.headers, "content-type") ?? "").split(";")[0]!.trim();
    return { bytes, mediaType };
  }

  return { where: c.where, hasBlob, statBlob, openBlob, putBlob, putManifest, getManifest, close: async () => {} };
}

/**
 * The shapes shared by a team's artifact cache (issue 18): a place that stores blobs by sha256 and
 * manifests by tag. Two kinds implement it: an OCI registry (registry.ts) and an OCI image layout on
 * disk, a directory or a tar file (layout.ts). Pull reads blobs; push and `devenv bundle` write blobs,
 * one artifact manifest per tool+version+platform and one index per lock (manifest.ts plans them).
 *
 * Nothing here trusts what it reads: whoever opens a blob verifies it against devenv.lock.
 */
import type { Readable } from "node:stream";

export interface OpenedBlob {
  body: Readable;
  /** Content-Length (or the file's size), if known. */
  size: number | undefined;
  /** Where the bytes come from, for messages: never holds a credential. */
  where: string;
}

export interface BlobStore {
  /** For messages ("oci://host/ns/repo", "oci-layout:/dir"): never holds a credential. */
  readonly where: string;
  /** Whether the blob is there (a registry: HEAD). */
  hasBlob(sha256: string): Promise<boolean>;
  /** The blob's size if it is there (a registry: HEAD's Content-Length), else undefined. Optional: see blobSize. */
  statBlob?(sha256: string): Promise<number | undefined>;
  /** The blob's bytes, or undefined when it is not there (404). Other failures throw a CacheError. */
  openBlob(sha256: string): Promise<OpenedBlob | undefined>;
  /** Store the file (whose sha256 and size the caller verified) as the blob `sha256`. */
  putBlob(sha256: string, size: number, file: string): Promise<void>;
  /**
   * Store a manifest or index (its bytes exactly as given) and tag it (`tag` undefined: by digest
   * only). Returns its sha256 (hex).
   */
  putManifest(bytes: Buffer, mediaType: string, tag: string | undefined): Promise<string>;
  /** A manifest by tag or by `sha256:<hex>`, or undefined when there is none. */
  getManifest(reference: string): Promise<{ bytes: Buffer; mediaType: string } | undefined>;
  /** Finish writing (a layout writes index.json; a tar its last entries). Idempotent. */
  close(): Promise<void>;
}

/** A blob's size if the store has it: statBlob, else (a store without it) from opening it. */
export async function blobSize(store: BlobStore, sha256: string): Promise<number | undefined> {
  if (store.statBlob) return store.statBlob(sha256);
  if (!(await store.hasBlob(sha256))) return undefined;
  const blob = await store.openBlob(sha256);
  if (!blob) return undefined;
  blob.body.destroy();
  return blob.size;
}

/** Why a cache could not be used: the caller falls back to upstream (pull) or reports it (push). */
export type CacheFailure =
  /** 401 with no (or wrong) credentials. */
  | "unauthorized"
  /** 403: the credentials do not allow this (e.g. push with a read-only token). */
  | "forbidden"
  /** Connection refused, DNS, TLS, reset, or a timeout. */
  | "unreachable"
  /** The server answered something the distribution spec does not allow. */
  | "protocol";

/** Credentials for one registry host, as docker and podman keep them. */
export type RegistryCredential =
  | { kind: "basic"; username: string; password: string }
  /** An identity token (a credential helper's `<token>` user): exchanged at the token realm (OAuth2 refresh_token). */
  | { kind: "identity"; token: string }
  /** A ready bearer token (DEVENV_CACHE_TOKEN): sent as is. */
  | { kind: "bearer"; token: string };

export interface CredentialSource {
  /** Credentials for `host` (`host[:port]` as in the cache URL), or undefined. Never throws for "none". */
  lookup(host: string): Promise<RegistryCredential | undefined>;
}

/** Media types and annotation keys devenv writes (manifest.ts). */
export const MEDIA = {
  manifest: "application/vnd.oci.image.manifest.v1+json",
  index: "application/vnd.oci.image.index.v1+json",
  empty: "application/vnd.oci.empty.v1+json",
  /** artifactType of one tool+version+platform. */
  artifact: "application/vnd.devenv.artifact.v1",
  /** artifactType of the index of one lock. */
  lock: "application/vnd.devenv.lock.v1",
  /** A layer: one downloaded file, exactly as the upstream published it. */
  download: "application/vnd.devenv.download.v1",
} as const;

/** The empty JSON object `{}`: the config of every artifact manifest (OCI image spec 1.1). */
export const EMPTY_CONFIG = {
  mediaType: MEDIA.empty,
  digest: "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
  size: 2,
  data: "e30=",
} as const;

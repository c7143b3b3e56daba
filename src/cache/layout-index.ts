/**
 * The two small files of an OCI image layout (image-spec image-layout.md): `oci-layout`
 * ({"imageLayoutVersion": "1.0.0"}) and `index.json` (an image index whose manifests are the
 * layout's entry points, tagged by the annotation org.opencontainers.image.ref.name). Pure: bytes
 * in, checked; entries added; bytes out. A layout may come from elsewhere: nothing read here is
 * trusted beyond its shape, and a digest becomes a path only when it is `sha256:<64 hex>`.
 */
import { createHash } from "node:crypto";
import { CacheError } from "./errors.js";
import { MEDIA } from "./types.js";
import { shown } from "../text.js";

export const REF_NAME = "org.opencontainers.image.ref.name";
export const OCI_LAYOUT_BYTES = Buffer.from('{"imageLayoutVersion":"1.0.0"}');
/** index.json larger than this is refused (a layout of a few thousand manifests is well under 1 MiB). */
export const MAX_INDEX_BYTES = 16 << 20;
/** A manifest or index read through getManifest. */
export const MAX_MANIFEST_BYTES = 4 << 20;
export const SHA256_HEX = /^[0-9a-f]{64}$/;

/** One entry of index.json: kept as read (fields devenv does not know are written back as they were). */
export type IndexEntry = Record<string, unknown> & { mediaType?: unknown; digest?: unknown; size?: unknown; annotations?: unknown };

export interface LayoutIndex {
  /** Every other top-level field of index.json, kept. */
  rest: Record<string, unknown>;
  manifests: IndexEntry[];
}

const broken = (where: string, why: string) =>
  new CacheError("protocol", `${where} is not a readable OCI image layout: ${why}`, {
    hint: "Write the bundle again (devenv bundle), or copy it again if it came from elsewhere; a layout holds oci-layout, index.json and blobs/sha256/.",
  });
export { broken as layoutError };

export function checkOciLayout(where: string, bytes: Buffer | undefined): void {
  if (!bytes) throw broken(where, "it has no oci-layout file");
  let v: unknown;
  try {
    v = JSON.parse(bytes.toString("utf8"));
  } catch {
    throw broken(where, "its oci-layout file is not JSON");
  }
  const version = (v as { imageLayoutVersion?: unknown } | null)?.imageLayoutVersion;
  if (typeof version !== "string" || !/^1\.\d+\.\d+$/.test(version)) throw broken(where, `its oci-layout says imageLayoutVersion ${typeof version === "string" ? shown(version) : "nothing"} (1.x.y is read)`);
}

export function parseIndex(where: string, bytes: Buffer): LayoutIndex {
  if (bytes.length > MAX_INDEX_BYTES) throw broken(where, `its index.json is larger than ${MAX_INDEX_BYTES} bytes`);
  let v: unknown;
  try {
    v = JSON.parse(bytes.toString("utf8"));
  } catch {
    throw broken(where, "its index.json is not JSON");
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw broken(where, "its index.json is not a JSON object");
  const { manifests, ...rest } = v as Record<string, unknown>;
  if (rest.schemaVersion !== 2) throw broken(where, "its index.json does not say schemaVersion 2");
  if (manifests !== undefined && !Array.isArray(manifests)) throw broken(where, "index.json's manifests is not a list");
  const list = (manifests ?? []) as unknown[];
  if (list.some((m) => typeof m !== "object" || m === null || Array.isArray(m))) throw broken(where, "an entry of index.json's manifests is not an object");
  return { rest, manifests: list as IndexEntry[] };
}

export const emptyIndex = (): LayoutIndex => ({ rest: { schemaVersion: 2, mediaType: MEDIA.index }, manifests: [] });

export function serializeIndex(index: LayoutIndex): Buffer {
  return Buffer.from(`${JSON.stringify({ ...index.rest, manifests: index.manifests }, null, 2)}\n`);
}

/** The hex of a `sha256:<64 hex>` digest, or undefined for anything else (another algorithm, a path). */
export function digestHex(digest: unknown): string | undefined {
  if (typeof digest !== "string" || !digest.startsWith("sha256:")) return undefined;
  const hex = digest.slice("sha256:".length);
  return SHA256_HEX.test(hex) ? hex : undefined;
}

const refName = (e: IndexEntry): unknown => (typeof e.annotations === "object" && e.annotations !== null ? (e.annotations as Record<string, unknown>)[REF_NAME] : undefined);

/** The entry `reference` names: a tag (its ref.name) or `sha256:<hex>`; the first such. */
export function findEntry(index: LayoutIndex, reference: string): { hex: string; mediaType: string | undefined; size: number | undefined } | undefined {
  const byDigest = reference.startsWith("sha256:");
  for (const e of index.manifests) {
    const hex = digestHex(e.digest);
    if (!hex) continue;
    if (byDigest ? e.digest === reference : refName(e) === reference) {
      return { hex, mediaType: typeof e.mediaType === "string" ? e.mediaType : undefined, size: typeof e.size === "number" ? e.size : undefined };
    }
  }
  if (byDigest && digestHex(reference)) return { hex: digestHex(reference)!, mediaType: undefined, size: undefined };
  return undefined;
}

/** The descriptor of a manifest (its artifactType too, when it has one), tagged `tag`. */
export function manifestEntry(bytes: Buffer, mediaType: string, tag: string | undefined): { hex: string; entry: IndexEntry } {
  const hex = createHash("sha256").update(bytes).digest("hex");
  const entry: IndexEntry = { mediaType, digest: `sha256:${hex}`, size: bytes.length };
  try {
    const artifactType = (JSON.parse(bytes.toString("utf8")) as { artifactType?: unknown }).artifactType;
    if (typeof artifactType === "string") entry.artifactType = artifactType;
  } catch {
    /* not JSON: no artifactType to copy */
  }
  if (tag !== undefined) entry.annotations = { [REF_NAME]: tag };
  return { hex, entry };
}

/** Add `entry`: it replaces an entry of the same tag; untagged, it is added once. */
export function addEntry(index: LayoutIndex, entry: IndexEntry): void {
  const tag = refName(entry);
  const kept = index.manifests.filter((e) => (tag !== undefined ? refName(e) !== tag : !(e.digest === entry.digest && refName(e) === undefined)));
  index.manifests = [...kept, entry];
}

/** A tag as the image spec's ref.name grammar allows it (a path-free name: no control characters, no `/` runs of dots). */
export function checkTag(tag: string): void {
  if (!/^[A-Za-z0-9_][A-Za-z0-9._\-+:@/]{0,254}$/.test(tag)) throw new CacheError("protocol", `${shown(tag)} cannot tag a manifest in an OCI layout`, { hint: "A tag is letters, digits and . _ - + : @ / (at most 255 characters)." });
}

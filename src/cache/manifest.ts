/**
 * What a push (or a bundle) writes for a lock, planned without I/O: one blob per downloaded file
 * (the file exactly as its upstream published it, addressed by the sha256 devenv.lock pins), one
 * OCI artifact manifest per tool+version+platform whose layers are those blobs, tagged readably,
 * and one index per lock listing the manifests, so a registry's garbage collection keeps what the
 * index references and `oras`/`crane`/`skopeo` can list it.
 */
import { createHash } from "node:crypto";
import { EMPTY_CONFIG, MEDIA } from "./types.js";

/** One downloaded file of a tool's artifact for one platform (the artifact itself, or a part). */
export interface PlannedFile {
  url: string;
  sha256: string;
  size: number;
  /** The part's name; undefined for the main artifact. */
  part?: string;
}

/** One tool+version+platform of a lock, with its files' sha256 and sizes known. */
export interface PlannedArtifact {
  tool: string;
  version: string;
  platform: string;
  /** The lock's source ("registry:node", "aqua:…", "github:…", "inline"). */
  source: string;
  /** The store key's digest (install.ts artifactKeyDigest): tells two artifacts of the same name apart. */
  key: string;
  files: PlannedFile[];
}

export interface ManifestPlan {
  /** The manifest's exact bytes (its sha256 is its digest). */
  bytes: Buffer;
  sha256: string;
  tag: string;
  artifact: PlannedArtifact;
}

export const ANNOTATION = {
  tool: "dev.devenv.tool",
  version: "dev.devenv.version",
  platform: "dev.devenv.platform",
  source: "dev.devenv.source",
  url: "dev.devenv.url",
  part: "dev.devenv.part",
  title: "org.opencontainers.image.title",
  created: "org.opencontainers.image.created",
} as const;

const sha256 = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");

/**
 * A tag a person can read: `node-20.18.0-linux-x64-1a2b3c4d` (the last part: the store key's first 8
 * hex digits, so two artifacts of the same tool, version and platform but other options never take
 * each other's tag). The distribution spec allows `[A-Za-z0-9_][A-Za-z0-9._-]{0,127}`: anything
 * else becomes `_`, and a long name is cut keeping the digits.
 */
export function artifactTag(a: Pick<PlannedArtifact, "tool" | "version" | "platform" | "key">): string {
  const suffix = `-${a.platform}-${a.key.slice(0, 8)}`;
  const head = `${a.tool}-${a.version}`.replace(/[^A-Za-z0-9._-]/g, "_").replace(/^[.-]/, "_");
  return head.slice(0, 128 - suffix.length) + suffix;
}

/** The tag of a lock's index: `lock-` and the first 16 hex digits of the lock's sha256. */
export const lockTag = (lockText: string) => `lock-${sha256(lockText).slice(0, 16)}`;

/** The last path segment of a URL (the upstream's file name), for the layer's title. */
export function fileName(url: string): string {
  const path = url.startsWith("npm:") ? url.slice(4) : (() => {
    try {
      return new URL(url).pathname;
    } catch {
      return url;
    }
  })();
  const last = decodeURIComponentSafe(path.split("/").filter(Boolean).pop() ?? "download");
  return last.replace(/[\0-\x1f\x7f]/g, "_") || "download";
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The artifact manifest of one tool+version+platform: the empty config and one layer per file. */
export function artifactManifest(a: PlannedArtifact): ManifestPlan {
  const main = a.files.find((f) => f.part === undefined) ?? a.files[0];
  const doc = {
    schemaVersion: 2,
    mediaType: MEDIA.manifest,
    artifactType: MEDIA.artifact,
    config: EMPTY_CONFIG,
    layers: a.files.map((f) => ({
      mediaType: MEDIA.download,
      digest: `sha256:${f.sha256}`,
      size: f.size,
      annotations: {
        [ANNOTATION.title]: fileName(f.url),
        [ANNOTATION.url]: f.url,
        ...(f.part !== undefined ? { [ANNOTATION.part]: f.part } : {}),
      },
    })),
    annotations: {
      [ANNOTATION.tool]: a.tool,
      [ANNOTATION.version]: a.version,
      [ANNOTATION.platform]: a.platform,
      [ANNOTATION.source]: a.source,
      ...(main ? { [ANNOTATION.url]: main.url } : {}),
    },
  };
  const bytes = Buffer.from(JSON.stringify(doc));
  return { bytes, sha256: sha256(bytes), tag: artifactTag(a), artifact: a };
}

/** The index of one lock: every artifact manifest, with the tool, version and platform on each entry. */
export function lockIndex(manifests: readonly ManifestPlan[], lockText: string): { bytes: Buffer; sha256: string; tag: string } {
  const doc = {
    schemaVersion: 2,
    mediaType: MEDIA.index,
    artifactType: MEDIA.lock,
    manifests: manifests.map((m) => ({
      mediaType: MEDIA.manifest,
      artifactType: MEDIA.artifact,
      digest: `sha256:${m.sha256}`,
      size: m.bytes.length,
      annotations: {
        [ANNOTATION.tool]: m.artifact.tool,
        [ANNOTATION.version]: m.artifact.version,
        [ANNOTATION.platform]: m.artifact.platform,
        "org.opencontainers.image.ref.name": m.tag,
      },
    })),
    annotations: { "dev.devenv.lock.sha256": sha256(lockText) },
  };
  const bytes = Buffer.from(JSON.stringify(doc));
  return { bytes, sha256: sha256(bytes), tag: lockTag(lockText) };
}

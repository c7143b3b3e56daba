/**
 * The aqua registry as devenv reads it (issue 17): a package definition as parsed from registry.yaml,
 * and what evaluating one for a version and a platform gives (render.ts). Shared by the pure evaluator,
 * the checksum reader and the catalogue (src/app/catalog).
 */
import { DevenvError } from "../../../errors.js";
import type { ArchiveFormat } from "../../types.js";

/**
 * One entry of `packages:` in registry.yaml, as YAML gives it. Only the identity fields are typed
 * here; the evaluator reads the rest (asset, url, replacements, overrides, version_overrides, …)
 * and refuses what it does not know.
 */
export interface AquaPackage {
  type: string;
  repo_owner?: string;
  repo_name?: string;
  /** Set when the package is not simply `repo_owner/repo_name` (e.g. `kubernetes/kubernetes/kubectl`). */
  name?: string;
  aliases?: Array<{ name: string }>;
  description?: string;
  [field: string]: unknown;
}

/** The package's name as aqua names it: `name`, else `repo_owner/repo_name`, else (go_install) its `path`. */
export function aquaPackageName(pkg: AquaPackage): string {
  if (pkg.name) return pkg.name;
  if (!pkg.repo_owner && !pkg.repo_name && pkg.type === "go_install" && typeof pkg.path === "string") return pkg.path;
  return `${pkg.repo_owner ?? ""}/${pkg.repo_name ?? ""}`;
}

/**
 * How an aqua download is unpacked: devenv's ArchiveFormat plus the single-file compressions and
 * tar.bz2 that another part of issue 17 adds to devenv's formats (then this is ArchiveFormat again).
 */
export type AquaArchive = ArchiveFormat | "gz" | "xz" | "zst" | "bz2" | "tar.bz2";

export type ChecksumAlgorithm = "sha256" | "sha512" | "sha1" | "md5";

/** Where an artifact's checksum is published, rendered for one version and platform. */
export interface AquaChecksumSpec {
  /** The checksum document's download URL. */
  url: string;
  /** Its asset name, when it is an asset of the same GitHub release (`checksum.type: github_release`). */
  asset?: string;
  algorithm: ChecksumAlgorithm;
  /**
   * How to read it: `raw` (the document is the hash, maybe followed by a name), `regexp` (`pattern`),
   * or the default: lines of `<hash>  <file name>` (sha256sum/goreleaser, `*name`, BSD `SHA256 (name) = hash`).
   */
  fileFormat: "raw" | "regexp" | "default";
  /** For `regexp`: the pattern capturing the hash, and the one capturing the file name (absent: one hash for all). */
  pattern?: { checksum: string; file?: string };
  /** The name to look up in the document (the asset name, maybe changed by the checksum block's replacements). */
  lookup: string;
}

/** A package evaluated for one version and one platform: what to download and what to put on PATH. */
export interface AquaRendered {
  /** aquaPackageName(). */
  package: string;
  type: "github_release" | "http" | "github_archive" | "github_content";
  /** The aqua Version: the release tag (version_prefix included). */
  version: string;
  /** owner/repo, for the GitHub types. */
  repo?: string;
  /** github_release: the asset's name in the release. */
  asset?: string;
  /** The download URL (github_release: github.com/<repo>/releases/download/<tag>/<asset>). */
  url: string;
  /** The aqua format after format_overrides and version_overrides ("tar.gz", "tgz", "zip", "raw", "gz", …). */
  format: string;
  /** The same as devenv unpacks it. */
  archive: AquaArchive;
  /** Executables: the command name and its path inside the unpacked download (raw: the file itself). */
  files: Array<{ name: string; src: string }>;
  checksum?: AquaChecksumSpec;
  /** cosign / slsa_provenance / github_artifact_attestations / minisign, as the entry gives them (kept in the lock). */
  signatures?: Record<string, unknown>;
}

/** An entry, or the part of it this version and platform need, uses something devenv does not evaluate. */
export class AquaUnsupportedError extends DevenvError {
  constructor(readonly pkg: string, readonly feature: string, detail?: string) {
    super("UNSUPPORTED_PLATFORM", `${pkg}: the aqua registry entry uses ${feature}, which devenv does not support${detail ? ` (${detail})` : ""}`, {
      hint: "Give the tool inline in devenv.ts ({ version, url, sha256 }), or try github:<owner>/<repo> for its GitHub releases.",
    });
    this.name = "AquaUnsupportedError";
  }
}

/** The entry says this version has nothing for this platform (supported_envs, no_asset, error_message). */
export class AquaNoAssetError extends DevenvError {
  constructor(readonly pkg: string, version: string, platform: string, why: string) {
    super("UNSUPPORTED_PLATFORM", `${pkg} ${version} has no ${platform} build: ${why}`, {
      hint: "Pick another version ('devenv versions <tool>') or drop the platform from 'platforms' in devenv.ts.",
    });
    this.name = "AquaNoAssetError";
  }
}

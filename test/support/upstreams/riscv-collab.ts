/**
 * riscv-collab/riscv-gnu-toolchain nightly GitHub releases. Tags are UTC dates (`2024.12.16`) and the
 * release is published that day, so GitHub's rule applies: nightlies before 2025-06-03 have
 * `digest: null`, later ones a digest (no checksum files either way). Asset names follow the era of the
 * tag (from the repository's workflow history and test/fixtures/real/riscv-collab-asset-names.txt):
 *   to mid-2023        riscv64-glibc-ubuntu-22.04-nightly-2022.12.17-nightly.tar.gz (no compiler;
 *                      seen up to 2023.05.27, so the fake switches on 2023.06.01)
 *   → 2024-11-08       riscv64-glibc-ubuntu-20.04-gcc-nightly-2023.10.18-nightly.tar.gz (+ llvm)
 *   2024-11-09 → 2025-09  same names, .tar.xz
 *   from 2025-10       riscv64-glibc-ubuntu-24.04-gcc.tar.xz, no date (reusable workflow)
 * ubuntu-20.04 builds stop 2024-09-30 (22.04 only; 22.04 + 24.04 from 2025-01, as 2025.01.16 has a
 * 24.04 build); uclibc-ng starts 2024-10.
 * (Older nightlies also had ubuntu-18.04 builds; give `assets` explicitly to publish those.)
 * Every tarball has the real layout: one top dir `riscv/` holding bin/<triple>-gcc (a script that
 * answers --version like GCC) and, for Linux libcs, sysroot/usr/include/stdio.h.
 */
import { gzip, tarEntries, xz, type Entry } from "../archives.js";
import { releasesUpstream, type GithubAssetSpec, type GithubRepoOptions } from "./github.js";
import { Lazy, type Upstream, type VersionSpec } from "./types.js";

export interface RiscvCollabReleaseInfo {
  /** Asset names; default: the full set of the tag's era (riscvCollabAssetNames). */
  assets: string[];
  /** What the fake compilers report; default by year (2022 → 12.2.0 … 2025 → 15.1.0). */
  gcc: string;
  publishedAt: string;
  prerelease: boolean;
}
/** `version` is the release tag, e.g. "2024.12.16". */
export type RiscvCollabSpec = VersionSpec<RiscvCollabReleaseInfo>;

export type RiscvCollabUpstreamOptions = Pick<GithubRepoOptions, "pageSize" | "digests" | "redirectDownloads">;

const BITS = ["32", "64"] as const;

/** The assets a nightly of that date publishes (tags compare as strings: they are zero-padded dates). */
export function riscvCollabAssetNames(tag: string): string[] {
  const out: string[] = [];
  if (tag >= "2025.10.01") {
    for (const bits of BITS) {
      for (const mode of ["elf", "glibc", "musl", "uclibc-ng"]) {
        for (const os of ["22.04", "24.04"]) {
          for (const cc of mode === "uclibc-ng" ? ["gcc"] : ["gcc", "llvm"]) out.push(`riscv${bits}-${mode}-ubuntu-${os}-${cc}.tar.xz`);
        }
      }
    }
    return out;
  }
  const oses = tag < "2024.09.30" ? ["20.04", "22.04"] : tag < "2025.01.01" ? ["22.04"] : ["22.04", "24.04"];
  const modes = ["elf", "glibc", "musl", ...(tag >= "2024.10.01" ? ["uclibc-ng"] : [])];
  const ext = tag >= "2024.11.09" ? "tar.xz" : "tar.gz";
  for (const bits of BITS) {
    for (const mode of modes) {
      for (const os of oses) {
        if (tag < "2023.06.01") out.push(`riscv${bits}-${mode}-ubuntu-${os}-nightly-${tag}-nightly.tar.gz`);
        else for (const cc of mode === "uclibc-ng" ? ["gcc"] : ["gcc", "llvm"]) out.push(`riscv${bits}-${mode}-ubuntu-${os}-${cc}-nightly-${tag}-nightly.${ext}`);
      }
    }
  }
  return out;
}

const TRIPLE_LIBC: Record<string, string> = { elf: "elf", glibc: "linux-gnu", musl: "linux-musl", "uclibc-ng": "linux-uclibc" };

/** The target triple an asset's binaries are prefixed with, e.g. riscv64-unknown-linux-gnu. */
export function riscvCollabTriple(asset: string): string {
  const m = /^riscv(32|64)-(elf|glibc|musl|uclibc-ng)-/.exec(asset);
  if (!m) throw new Error(`riscv-collab fake: not a toolchain asset: ${asset}`);
  return `riscv${m[1]}-unknown-${TRIPLE_LIBC[m[2]!]}`;
}

const gccScript = (tool: string, triple: string, gcc: string, asset: string): string =>
  [
    "#!/bin/sh",
    `# fake ${tool} from ${asset} for devenv tests`,
    'case "$1" in',
    `  --version) echo "${tool} () ${gcc}"; echo "Copyright (C) ${gcc.startsWith("15") ? 2025 : 2024} Free Software Foundation, Inc."; exit 0 ;;`,
    `  -dumpmachine) echo "${triple}"; exit 0 ;;`,
    `  -dumpversion) echo "${gcc.split(".")[0]}"; exit 0 ;;`,
    "esac",
    `echo "${tool}: fatal error: no input files" >&2`,
    "exit 1",
    "",
  ].join("\n");

/** The unpacked layout of one asset: `riscv/` with bin/, the triple's dir and (Linux libcs) sysroot/. */
export function riscvCollabTree(asset: string, gcc: string): Entry[] {
  const triple = riscvCollabTriple(asset);
  const linux = !triple.endsWith("-elf");
  const exe = (tool: string): Entry => ({ path: `riscv/bin/${tool}`, content: gccScript(tool, triple, gcc, asset), mode: 0o755 });
  return [
    { path: "riscv", type: "dir" },
    { path: "riscv/bin", type: "dir" },
    exe(`${triple}-gcc`),
    exe(`${triple}-g++`),
    { path: `riscv/bin/${triple}-ld`, content: `#!/bin/sh\necho "GNU ld (GNU Binutils) 2.43"\n`, mode: 0o755 },
    ...(/-llvm[.-]/.test(asset) ? [{ path: "riscv/bin/clang", content: `#!/bin/sh\necho "clang version 20.0.0 (fake, ${asset})"\n`, mode: 0o755 }] : []),
    { path: `riscv/${triple}/bin`, type: "dir" },
    { path: `riscv/${triple}/bin/ld`, type: "hardlink", linkname: `riscv/bin/${triple}-ld` },
    { path: `riscv/lib/gcc/${triple}/${gcc}/include/stddef.h`, content: "/* fake */\n" },
    ...(linux
      ? [
          { path: "riscv/sysroot/usr/include", type: "dir" as const },
          { path: "riscv/sysroot/usr/include/stdio.h", content: `/* fake ${triple} sysroot stdio.h (${asset}) */\nint printf(const char *, ...);\n` },
        ]
      : []),
  ];
}

const defaultGcc = (tag: string): string =>
  tag < "2023" ? "12.2.0" : tag < "2024" ? "13.2.0" : tag < "2025" ? "14.2.0" : "15.1.0";

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

export function riscvCollabUpstream(specs: readonly RiscvCollabSpec[] = [], opts: RiscvCollabUpstreamOptions = {}): Upstream {
  return releasesUpstream<RiscvCollabReleaseInfo>({ owner: "riscv-collab", repo: "riscv-gnu-toolchain", repoId: 37298710 }, specs, opts, (s) => {
    const tag = s.version;
    const [y = "", m = "", d = ""] = tag.split(".");
    const gcc = s.gcc ?? defaultGcc(tag);
    const lazy = new Lazy();
    const assets: GithubAssetSpec[] = (s.assets ?? riscvCollabAssetNames(tag)).map((name) => ({
      name,
      contentType: name.endsWith(".xz") ? "application/x-xz" : "application/gzip",
      build: () =>
        lazy.get(name, async () => {
          const tar = tarEntries(riscvCollabTree(name, gcc));
          return name.endsWith(".tar.xz") ? xz(tar, 0) : gzip(tar);
        }),
    }));
    return {
      tag,
      name: `Nightly: ${MONTHS[Number(m) - 1] ?? m} ${d}, ${y}`,
      prerelease: s.prerelease ?? false,
      publishedAt: s.publishedAt ?? `${y}-${m}-${d}T06:00:00Z`,
      body: `**Automated Nightly Release**\n${tag}-nightly\n`,
      assets,
    };
  });
}

/**
 * xPack GitHub releases (xpack-dev-tools/<pkg>-xpack), one factory for every xPack package:
 * tags `v{V}-{R}`, assets `xpack-<pkg>-{V}-{R}-{plat}.tar.gz` (win32-x64 is a `.zip`), each with a
 * `<asset>.sha` sidecar holding one sha256sum line. Archives have the real top directory
 * `xpack-<pkg>-{V}-{R}/` with shell scripts at the real binary paths under `bin/`.
 * A spec with an extra `.N` (`14.2.0-1.1`) is an npm-package revision: a release without binaries.
 */
import { gzip, sha256hex, tarEntries, zipEntries, type Entry } from "../archives.js";
import { releasesUpstream, type GithubAssetSpec, type GithubRepoOptions } from "./github.js";
import { Lazy, shaLines, versionDate, type Upstream, type VersionSpec } from "./types.js";

export type XpackPlat = "darwin-arm64" | "darwin-x64" | "linux-arm" | "linux-arm64" | "linux-x64" | "win32-x64";
export const XPACK_PLATS: readonly XpackPlat[] = ["darwin-arm64", "darwin-x64", "linux-arm", "linux-arm64", "linux-x64", "win32-x64"];

export interface XpackVersionInfo {
  /** Platforms with binaries (default: all of XPACK_PLATS). */
  platforms: readonly XpackPlat[];
  prerelease: boolean;
  draft: boolean;
  publishedAt: string;
}
/** `"14.2.0-1"` (tag v14.2.0-1), or `"14.2.0-1.1"` for an npm-only revision without binaries. */
export type XpackVersionSpec = VersionSpec<XpackVersionInfo>;

export type XpackUpstreamOptions = Pick<GithubRepoOptions, "pageSize" | "digests" | "redirectDownloads">;

export interface XpackPackageSpec {
  repo: string;
  repoId: number;
  /** The name in assets and directories: `xpack-<pkg>-…`. */
  pkg: string;
  /** Release title prefix, e.g. "xPack GNU Compiler Collection". */
  title: string;
  /** Executables under bin/ and the pkgversion their `--version` banner shows. */
  programs: readonly string[];
  pkgversion: string;
}

export const XPACK_GCC_PACKAGE: XpackPackageSpec = {
  repo: "gcc-xpack",
  repoId: 343372818,
  pkg: "gcc",
  title: "xPack GNU Compiler Collection",
  programs: ["gcc", "g++", "cpp"],
  pkgversion: "xPack GCC",
};

export const XPACK_RISCV_PACKAGE: XpackPackageSpec = {
  repo: "riscv-none-elf-gcc-xpack",
  repoId: 181594542,
  pkg: "riscv-none-elf-gcc",
  title: "xPack GNU RISC-V Embedded GCC",
  programs: ["riscv-none-elf-gcc", "riscv-none-elf-g++", "riscv-none-elf-as"],
  pkgversion: "xPack GNU RISC-V Embedded GCC",
};

/** `uname -m` of the build host, which xPack puts in the banner. */
const MACHINE: Record<XpackPlat, string> = {
  "darwin-arm64": "arm64",
  "darwin-x64": "x86_64",
  "linux-arm": "armv7l",
  "linux-arm64": "aarch64",
  "linux-x64": "x86_64",
  "win32-x64": "x86_64",
};

/** The first line `<prog> --version` prints, e.g. `gcc (xPack GCC x86_64) 14.2.0`. */
export const xpackBanner = (p: XpackPackageSpec, prog: string, base: string, plat: XpackPlat): string =>
  `${prog} (${p.pkgversion} ${MACHINE[plat]}) ${base}`;

export const xpackAssetName = (p: XpackPackageSpec, release: string, plat: XpackPlat): string =>
  `xpack-${p.pkg}-${release}-${plat}.${plat.startsWith("win32") ? "zip" : "tar.gz"}`;

/** The real layout: `xpack-<pkg>-{V}-{R}/{bin,lib,libexec,distro-info,README.md}`. */
export function xpackTree(p: XpackPackageSpec, release: string, plat: XpackPlat): Entry[] {
  const base = release.split("-")[0]!;
  const top = `xpack-${p.pkg}-${release}`;
  const script = (prog: string) => [
    "#!/bin/sh",
    `# fake ${prog} from ${top}-${plat} for devenv tests`,
    'if [ "$1" = "--version" ]; then',
    `  echo "${xpackBanner(p, prog, base, plat)}"`,
    '  echo "Copyright (C) 2024 Free Software Foundation, Inc."',
    '  echo "This is free software; see the source for copying conditions.  There is NO"',
    '  echo "warranty; not even for MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE."',
    "  exit 0",
    "fi",
    `echo "${prog}: fatal error: no input files" >&2`,
    "echo \"compilation terminated.\" >&2",
    "exit 1",
    "",
  ].join("\n");
  return [
    { path: `${top}/`, type: "dir" },
    { path: `${top}/README.md`, content: `# ${p.title} ${release}\n\nFake tree for devenv tests.\n` },
    { path: `${top}/distro-info/`, type: "dir" },
    { path: `${top}/distro-info/CHANGELOG.md`, content: `* v${release} released\n` },
    { path: `${top}/bin/`, type: "dir" },
    ...p.programs.map((prog): Entry => ({ path: `${top}/bin/${prog}`, content: script(prog), mode: 0o755 })),
    { path: `${top}/lib/`, type: "dir" },
    { path: `${top}/libexec/`, type: "dir" },
  ];
}

export function xpackAssets(p: XpackPackageSpec, release: string, plats: readonly XpackPlat[], lazy = new Lazy()): GithubAssetSpec[] {
  const out: GithubAssetSpec[] = [];
  for (const plat of plats) {
    const name = xpackAssetName(p, release, plat);
    const build = (): Promise<Buffer> => lazy.get(plat, () => {
      if (plat.startsWith("win32")) {
        const top = `xpack-${p.pkg}-${release}`;
        return zipEntries([
          { path: `${top}/`, type: "dir" },
          { path: `${top}/bin/`, type: "dir" },
          ...p.programs.map((prog): Entry => ({ path: `${top}/bin/${prog}.exe`, content: `MZ fake ${prog}.exe ${release}\n` })),
        ]);
      }
      return gzip(tarEntries(xpackTree(p, release, plat)));
    });
    out.push({ name, contentType: plat.startsWith("win32") ? "application/zip" : "application/gzip", build });
    // `sha256sum <asset> > <asset>.sha`, as xbb-helper's post-processing does.
    out.push({ name: `${name}.sha`, contentType: "application/octet-stream", build: async () => Buffer.from(shaLines([[sha256hex(await build()), name]])) });
  }
  return out;
}

/** A plausible, version-monotonic publish time; revisions and npm revisions come a few days later. */
function publishedAt(release: string): string {
  const [base = "", rev = "1"] = release.split("-");
  const [r = 1, npm = 0] = rev.split(".").map(Number);
  const day = Date.parse(`${versionDate(base, Date.UTC(2013, 0, 1))}T12:00:00Z`) + ((r - 1) * 20 + npm * 3) * 86_400_000;
  return new Date(day).toISOString().replace(/\.000Z$/, "Z");
}

export function xpackUpstream(p: XpackPackageSpec, specs: readonly XpackVersionSpec[] = [], opts: XpackUpstreamOptions = {}): Upstream {
  return releasesUpstream<XpackVersionInfo>({ owner: "xpack-dev-tools", repo: p.repo, repoId: p.repoId }, specs, opts, (s) => {
    const release = s.version.replace(/^v/, "");
    const npmOnly = /^\d+\.\d+\.\d+-\d+\.\d+$/.test(release);
    return {
      tag: `v${release}`,
      name: `${p.title} v${release}`,
      prerelease: s.prerelease ?? false,
      draft: s.draft ?? false,
      publishedAt: s.publishedAt ?? publishedAt(release),
      body: npmOnly
        ? `npm package revision only: the binaries are those of v${release.replace(/\.\d+$/, "")}.`
        : `Version ${release} of the ${p.title}. Binaries for ${(s.platforms ?? XPACK_PLATS).join(", ")}.`,
      assets: npmOnly ? [] : xpackAssets(p, release, s.platforms ?? XPACK_PLATS),
    };
  });
}

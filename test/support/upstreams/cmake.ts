/** Kitware/CMake GitHub releases: tarballs for linux-x86_64/aarch64 and macOS, a SHA-256.txt, plus distractor assets. */
import { cmakeTree, gzip, sha256hex, tarEntries, zipEntries, type CmakePlatform } from "../archives.js";
import { releasesUpstream, type GithubAssetSpec, type GithubRepoOptions } from "./github.js";
import { Lazy, shaLines, type Upstream, type VersionSpec } from "./types.js";

export interface CmakeVersionInfo {
  /** Default: true when the version has a prerelease part (`-rc1`). */
  prerelease: boolean;
  draft: boolean;
  publishedAt: string;
}
export type CmakeVersionSpec = VersionSpec<CmakeVersionInfo>;

export const CMAKE_TARBALL_PLATFORMS: readonly CmakePlatform[] = ["linux-x86_64", "linux-aarch64", "macos-universal", "macos10.10-universal"];

/** Plausible, version-monotonic publish time: 3.31.0 ≈ 2024-11, one minor ≈ 4 months, 4.0 follows 3.31-ish. */
export function cmakePublishedAt(v: string): string {
  const [core = "", pre] = v.split(/-(.*)/s);
  const [maj = 3, min = 0, pat = 0] = core.split(".").map((n) => Number(n) || 0);
  const minorIndex = maj <= 3 ? min : 32 + (maj - 4) * 10 + min;
  const days = (minorIndex - 31) * 120 + pat * 14 - (pre ? 21 : 0);
  return new Date(Date.UTC(2024, 10, 5, 14, 0, 0) + days * 86_400_000).toISOString().replace(/\.000Z$/, "Z");
}

export type CmakeUpstreamOptions = Pick<GithubRepoOptions, "pageSize" | "digests" | "redirectDownloads">;

export function cmakeAssets(v: string, lazy = new Lazy()): GithubAssetSpec[] {
  const tarball = (platform: CmakePlatform): GithubAssetSpec => ({
    name: `cmake-${v}-${platform}.tar.gz`,
    contentType: "application/gzip",
    build: () => lazy.get(platform, () => gzip(tarEntries(cmakeTree({ version: v, platform })))),
  });
  const blob = (name: string, contentType: string, text: string): GithubAssetSpec => ({
    name, contentType, build: () => Buffer.from(text),
  });
  const assets: GithubAssetSpec[] = [
    ...CMAKE_TARBALL_PLATFORMS.map(tarball),
    blob(`cmake-${v}-linux-x86_64.sh`, "application/x-sh", `#!/bin/sh\necho "fake CMake ${v} self-extracting installer"\nexit 1\n`),
    blob(`cmake-${v}-linux-aarch64.sh`, "application/x-sh", `#!/bin/sh\necho "fake CMake ${v} aarch64 installer"\nexit 1\n`),
    blob(`cmake-${v}-macos-universal.dmg`, "application/x-apple-diskimage", `fake dmg ${v}\n`),
    blob(`cmake-${v}-windows-x86_64.msi`, "application/octet-stream", `fake msi ${v}\n`),
    {
      name: `cmake-${v}-windows-x86_64.zip`,
      contentType: "application/zip",
      build: () => zipEntries([
        { path: `cmake-${v}-windows-x86_64/`, type: "dir" },
        { path: `cmake-${v}-windows-x86_64/bin/`, type: "dir" },
        { path: `cmake-${v}-windows-x86_64/bin/cmake.exe`, content: `MZ fake cmake.exe ${v}\n` },
      ]),
    },
    {
      name: `cmake-${v}.tar.gz`,
      contentType: "application/gzip",
      build: () => gzip(tarEntries([{ path: `cmake-${v}/README.rst`, content: `CMake ${v} source (fake)\n` }])),
    },
  ];
  assets.sort((a, b) => (a.name < b.name ? -1 : 1));
  const shaName = `cmake-${v}-SHA-256.txt`;
  const sha: GithubAssetSpec = {
    name: shaName,
    contentType: "text/plain",
    build: () => lazy.get("sha", async () => {
      const rows: [string, string][] = [];
      for (const a of assets) rows.push([sha256hex(await a.build()), a.name]);
      return Buffer.from(shaLines(rows));
    }),
  };
  const asc = blob(`${shaName}.asc`, "application/pgp-signature",
    `-----BEGIN PGP SIGNATURE-----\n\nZmFrZSBzaWduYXR1cmUgZm9yIGRldmVudiB0ZXN0cw==\n-----END PGP SIGNATURE-----\n`);
  return [...assets, sha, asc];
}

export function cmakeUpstream(specs: readonly CmakeVersionSpec[] = [], opts: CmakeUpstreamOptions = {}): Upstream {
  return releasesUpstream<CmakeVersionInfo>({ owner: "Kitware", repo: "CMake", repoId: 12345678 }, specs, opts, (s) => {
    const v = s.version.replace(/^v/, "");
    const publishedAt = s.publishedAt ?? cmakePublishedAt(v);
    return {
      tag: `v${v}`,
      name: `v${v}`,
      prerelease: s.prerelease ?? v.includes("-"),
      draft: s.draft ?? false,
      publishedAt,
      body: `CMake ${v} is available for download.`,
      assets: cmakeAssets(v),
    };
  });
}

/**
 * ninja-build/ninja GitHub releases: `ninja-{linux,linux-aarch64,mac,win,winarm64}.zip`, each a zip
 * holding a lone `ninja` at its root. No checksum file: the API's asset `digest` is the only sha256.
 * A spec starting with `release-` is published under that tag verbatim (old-style tags the recipe ignores).
 * Releases carry their real dates (NINJA_DATES), so GitHub's digest rule applies: assets of 1.13.0 on
 * (uploaded since 2025-06-03) have a digest, 1.12.1 and older none.
 */
import { zipEntries } from "../archives.js";
import { releasesUpstream, type GithubAssetSpec, type GithubRepoOptions } from "./github.js";
import { compareVersions, Lazy, type Upstream, type VersionSpec } from "./types.js";

export interface NinjaVersionInfo {
  prerelease: boolean;
  draft: boolean;
  publishedAt: string;
  /** Asset name → the sha256 the API reports as its digest (real values; the bytes served stay the fake's). */
  digests: Record<string, string>;
}
export type NinjaVersionSpec = VersionSpec<NinjaVersionInfo>;

export type NinjaUpstreamOptions = Pick<GithubRepoOptions, "pageSize" | "digests" | "redirectDownloads">;

/** Real publish days of ninja releases (GitHub release pages; ninja-asset-evidence.txt). */
export const NINJA_DATES: Readonly<Record<string, string>> = {
  "1.10.0": "2020-01-27", "1.10.1": "2020-08-15", "1.10.2": "2020-11-28", "1.11.0": "2022-05-15", "1.11.1": "2022-08-30",
  "1.12.0": "2024-04-11", "1.12.1": "2024-05-12", "1.13.0": "2025-06-18", "1.13.1": "2025-07-11", "1.13.2": "2025-11-20",
};

/** Zip suffixes published for a version: linux-aarch64 from 1.12.0, winarm64 from 1.12.0 too. */
export function ninjaZipPlatforms(v: string): string[] {
  const arm = compareVersions(v, "1.12.0") >= 0;
  return ["linux", ...(arm ? ["linux-aarch64"] : []), "mac", "win", ...(arm ? ["winarm64"] : [])];
}

/**
 * The real layout: `ninja` alone at the zip root. Its mode is 0644, as a zip written without Unix
 * attributes unpacks, so the recipe's chmod is what makes it runnable. `ninja --version` prints V.
 */
export function ninjaZip(v: string, plat: string): Buffer {
  if (plat.startsWith("win")) {
    return zipEntries([{ path: "ninja.exe", content: `MZ fake ninja.exe ${v} (${plat})\n` }]);
  }
  const script = [
    "#!/bin/sh",
    `# fake ninja ${v} (${plat}) for devenv tests`,
    `if [ "$1" = "--version" ]; then echo "${v}"; exit 0; fi`,
    `echo "ninja: error: loading 'build.ninja': No such file or directory" >&2`,
    "exit 1",
    "",
  ].join("\n");
  return zipEntries([{ path: "ninja", content: script, mode: 0o644 }]);
}

export function ninjaAssets(v: string, lazy = new Lazy(), digests: Record<string, string> = {}): GithubAssetSpec[] {
  return ninjaZipPlatforms(v).map((plat) => ({
    name: `ninja-${plat}.zip`,
    ...(digests[`ninja-${plat}.zip`] ? { digest: digests[`ninja-${plat}.zip`] } : {}),
    contentType: "application/zip",
    build: () => lazy.get(plat, () => ninjaZip(v, plat)),
  }));
}

export function ninjaUpstream(specs: readonly NinjaVersionSpec[] = [], opts: NinjaUpstreamOptions = {}): Upstream {
  return releasesUpstream<NinjaVersionInfo>({ owner: "ninja-build", repo: "ninja", repoId: 1335132 }, specs, opts, (s) => {
    const old = s.version.startsWith("release-");
    const v = old ? s.version.slice("release-".length) : s.version.replace(/^v/, "");
    const tag = old ? s.version : `v${v}`;
    return {
      tag,
      name: old ? `Ninja ${v}` : tag,
      prerelease: s.prerelease ?? v.includes("-"),
      draft: s.draft ?? false,
      ...(s.publishedAt ? { publishedAt: s.publishedAt } : old ? { publishedAt: "2012-10-01T12:00:00Z" } : NINJA_DATES[v] ? { publishedAt: `${NINJA_DATES[v]}T18:00:00Z` } : {}),
      body: `Ninja ${v}`,
      assets: old ? [] : ninjaAssets(v, new Lazy(), s.digests),
    };
  });
}

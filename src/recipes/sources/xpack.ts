/**
 * xPack binary releases on GitHub (xpack-dev-tools/<name>-xpack): tags `v{V}-{R}`, assets
 * `xpack-<name>-{V}-{R}-{plat}.tar.gz`, each with a `<asset>.sha` sidecar in sha256sum format.
 *
 * Versions: the xPack revision R is a rebuild of the same upstream version V, and `{V}-{R}` is a
 * semver prerelease (so `gcc@14` would never match it). devenv names a release `{V}+{R}` instead:
 * semver build metadata, ignored by range matching, so `gcc@14`, `gcc@14.2` and `gcc@14.2.0` all
 * match `14.2.0+1`, while the lock still records which rebuild it took (`14.2.0+1` is also an exact
 * request). Several revisions of one V are listed highest revision first; since build metadata
 * does not order versions, the resolver's first-wins tie keeps the newest rebuild.
 */
import { DevenvError } from "../../errors.js";
import type { Http } from "../../platform/http.js";
import { ChecksumMissingError, digestToSha256, parseShaSums } from "../checksums.js";
import { type RecipeArtifact, type PlatformKey, type VersionInfo } from "../types.js";
import { githubRelease, githubReleases, type GithubRelease } from "./github.js";

export interface XpackPackage {
  /** devenv tool name (for messages). */
  tool: string;
  /** owner/repo, e.g. "xpack-dev-tools/gcc-xpack". */
  repo: string;
  /** The name inside asset and directory names: `xpack-<pkg>-{V}-{R}-{plat}.tar.gz`. */
  pkg: string;
}

/** Oldest glibc the Linux builds run on (xPack's prerequisites page). */
export const XPACK_GLIBC = "2.27";

/**
 * `v14.2.0-1` → { base: "14.2.0", revision: 1 }. Tags with a further `.N` (`v14.2.0-1.1`) are
 * npm-package revisions without new binaries, and anything else is not a release: undefined.
 */
export function parseXpackTag(tag: string): { base: string; revision: number } | undefined {
  const m = /^v(\d+\.\d+\.\d+)-(\d+)$/.exec(tag);
  return m ? { base: m[1]!, revision: Number(m[2]) } : undefined;
}

/** devenv's name for an xPack release: `14.2.0` revision 1 → `14.2.0+1`. */
export const xpackVersion = (base: string, revision: number): string => `${base}+${revision}`;

/** `14.2.0+1` → { base, revision }; undefined for anything else. */
export function splitXpackVersion(version: string): { base: string; revision: number } | undefined {
  const m = /^(\d+\.\d+\.\d+)\+(\d+)$/.exec(version);
  return m ? { base: m[1]!, revision: Number(m[2]) } : undefined;
}

const tagOf = (v: { base: string; revision: number }) => `v${v.base}-${v.revision}`;

const cmpBase = (a: string, b: string): number => {
  const x = a.split(".").map(Number);
  const y = b.split(".").map(Number);
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return 0;
};

/** Every binary release, newest first (within one V, the highest revision first). */
export async function xpackVersions(http: Http, p: XpackPackage): Promise<VersionInfo[]> {
  return xpackVersionsOf(await githubReleases(http, p.repo));
}

export function xpackVersionsOf(releases: GithubRelease[]): VersionInfo[] {
  const rows: Array<{ base: string; revision: number; date?: string }> = [];
  for (const r of releases) {
    const t = parseXpackTag(r.tag_name);
    // GitHub pre-releases are test builds; drafts are already gone.
    if (!t || r.prerelease) continue;
    rows.push({ ...t, ...(r.published_at ? { date: r.published_at.slice(0, 10) } : {}) });
  }
  rows.sort((a, b) => cmpBase(b.base, a.base) || b.revision - a.revision);
  return rows.map((r) => ({ version: xpackVersion(r.base, r.revision), ...(r.date ? { date: r.date } : {}) }));
}

export function xpackAssetName(p: XpackPackage, version: string, platform: string): string {
  const v = splitXpackVersion(version);
  if (!v) throw notXpackVersion(p, version);
  return `xpack-${p.pkg}-${v.base}-${v.revision}-${platform}.tar.gz`;
}

export function xpackUrl(p: XpackPackage, version: string, platform: PlatformKey): string {
  const v = splitXpackVersion(version);
  if (!v) throw notXpackVersion(p, version);
  return `https://github.com/${p.repo}/releases/download/${tagOf(v)}/${xpackAssetName(p, version, platform)}`;
}

export function xpackAcceptsUrl(p: XpackPackage, version: string, platform: PlatformKey, url: string): boolean {
  return splitXpackVersion(version) !== undefined && url === xpackUrl(p, version, platform);
}

function notXpackVersion(p: XpackPackage, version: string): DevenvError {
  return new DevenvError("NO_MATCHING_VERSION", `${p.tool}: '${version}' is not an xPack release name (expected {version}+{revision}, e.g. 14.2.0+1)`, {
    hint: `xPack tag v14.2.0-1 is devenv version 14.2.0+1; 'devenv versions ${p.tool}' lists them. Ranges such as ${p.tool}@14 pick the newest.`,
  });
}

/** Platforms a release has binaries for (from its asset names), e.g. ["darwin-arm64", "linux-x64", "win32-x64"]. */
export function xpackReleasePlatforms(p: XpackPackage, release: GithubRelease): string[] {
  const t = parseXpackTag(release.tag_name);
  if (!t) return [];
  const prefix = `xpack-${p.pkg}-${t.base}-${t.revision}-`;
  const out = new Set<string>();
  for (const a of release.assets) {
    const m = /^(.+)\.(?:tar\.gz|zip)$/.exec(a.name);
    if (m && a.name.startsWith(prefix)) out.add(m[1]!.slice(prefix.length));
  }
  return [...out].sort();
}

/**
 * The tarball of `version` for `platform`, its sha256 from the `.sha` sidecar, cross-checked against
 * GitHub's asset digest when the API gives one. Only the small sidecar is fetched.
 */
export async function xpackArtifact(http: Http, p: XpackPackage, version: string, platform: PlatformKey): Promise<RecipeArtifact> {
  const v = splitXpackVersion(version);
  if (!v) throw notXpackVersion(p, version);
  const release = await githubRelease(http, p.repo, tagOf(v));
  const name = xpackAssetName(p, version, platform);
  const asset = release.assets.find((a) => a.name === name);
  if (!asset) {
    const have = xpackReleasePlatforms(p, release);
    throw new DevenvError("UNSUPPORTED_PLATFORM", `${p.tool} ${version} has no ${platform} build (release ${release.tag_name} of ${p.repo} has no ${name})`, {
      hint: `${release.tag_name} has builds for: ${have.join(", ") || "none"}. Pick another version ('devenv versions ${p.tool}') or drop ${platform} from the lock.`,
    });
  }
  const digest = digestToSha256(asset.digest);
  let sha256: string | undefined;
  const sidecar = release.assets.find((a) => a.name === `${name}.sha`);
  if (sidecar) {
    sha256 = parseShaSums(await http.text(sidecar.browser_download_url)).get(name);
    if (!sha256) {
      throw new DevenvError("CHECKSUM_MISSING", `${p.tool} ${version}: ${sidecar.name} does not list ${name}`, {
        hint: `The sidecar should hold one '<sha256>  ${name}' line; the release looks damaged. Pick another version or report it to ${p.repo}.`,
      });
    }
    if (digest && digest !== sha256) {
      throw new DevenvError("CHECKSUM_MISMATCH", `${p.tool} ${version}: ${sidecar.name} says sha256 ${sha256} but GitHub's asset digest of ${name} is ${digest}`, {
        hint: `The published checksums disagree, so nothing was locked or downloaded. Retry later (a mirror may serve a stale file) or report it to ${p.repo}.`,
      });
    }
  }
  const file = {
    url: xpackUrl(p, version, platform),
    format: "tar.gz" as const,
    // Everything sits under `xpack-<pkg>-{V}-{R}/`.
    strip: 1,
    size: asset.size,
    ...(platform.startsWith("linux") ? { requires: { glibc: XPACK_GLIBC } } : {}),
  };
  if (sha256) return { ...file, sha256, checksum: "checksum-file" };
  if (digest) return { ...file, sha256: digest, checksum: "digest" };
  throw new ChecksumMissingError(`${p.tool} ${version}: no published sha256 for ${name}`, file, {
    hint: `Release ${release.tag_name} has no ${name}.sha and GitHub lists no digest for it; pick another version.`,
  });
}

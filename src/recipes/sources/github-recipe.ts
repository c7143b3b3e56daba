/**
 * `github:owner/repo`: any project's GitHub releases as a tool, for tools with no recipe and no
 * aqua registry entry. Versions are the release tags as published (`v1.2.3`, `14.1.0`); a release
 * GitHub marks as a prerelease is marked so (range "latest" skips it). The asset per platform is
 * github-pick.ts's, its sha256 github-checksum.ts's; none published means ChecksumMissingError (the
 * first-download opt-in). After unpacking, `.devenv-bin/` gets a symlink per command
 * (github-bin.ts); that directory is what goes on PATH.
 */
import semver from "semver";
import { DevenvError } from "../../errors.js";
import { ChecksumMissingError } from "../checksums.js";
import { defineRecipe, ALL_PLATFORMS, type PlatformKey, type Recipe, type ToolOptions, type VersionInfo } from "../types.js";
import { githubRelease, githubReleases, type GithubAsset, type GithubRelease } from "./github.js";
import { fetchChecksumDoc } from "./checksum-fetch.js";
import { GITHUB_BIN_DIR, linkCommands } from "./github-bin.js";
import { releaseAssetChecksum } from "./github-checksum.js";
import { assetFits, AssetPickError, pickAsset, type PickOptions } from "./github-pick.js";

/** Release tags devenv uses as versions: they become a URL path segment and a store directory name. */
const SAFE_TAG = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$/;
/** Asset names a real GitHub answer can hold (GitHub replaces anything else on upload). */
const SAFE_ASSET = /^[A-Za-z0-9_+@=,~()[\]-][A-Za-z0-9._+@=,~()[\]-]{0,254}$/;

const opts = (repo: string, o: ToolOptions): PickOptions => ({
  repo,
  ...(typeof o.asset === "string" ? { asset: o.asset } : {}),
  ...(Array.isArray(o.bin) ? { bin: o.bin.map(String) } : {}),
});

/** Refuse a release listing no GitHub would send: names that are paths, or not names at all. */
function checkListing(repo: string, release: GithubRelease): void {
  for (const a of release.assets) {
    if (typeof a.name !== "string" || !SAFE_ASSET.test(a.name) || a.name.includes("..")) {
      throw new DevenvError("UNSAFE_ARCHIVE", `${repo} ${release.tag_name}: the release lists an asset named ${JSON.stringify(String(a.name).slice(0, 80))}, which is no GitHub asset name`, {
        hint: "The answer did not come from GitHub as it is (a mirror or proxy changed it?); nothing was locked.",
      });
    }
  }
}

/** The recipe of `repo`'s releases as the tool `name`; its options (`asset`, `bin`) come with each call, from devenv.ts. */
export function githubRecipe(name: string, repo: string): Recipe {
  if (!/^[A-Za-z0-9][A-Za-z0-9-]*\/[A-Za-z0-9._-]+$/.test(repo) || repo.includes("..")) {
    throw new DevenvError("USAGE", `'${repo}' is not a GitHub repository name (owner/repo)`, { hint: "Write github:<owner>/<repo>, e.g. github:BurntSushi/ripgrep." });
  }
  // Locking asks for four platforms of one release: one API request and one read of each checksum
  // document, not four (the unauthenticated API allows 60 requests an hour). A failure is not kept.
  const memo = new Map<string, Promise<unknown>>();
  const once = <T>(key: string, make: () => Promise<T>): Promise<T> => {
    let p = memo.get(key) as Promise<T> | undefined;
    if (!p) {
      p = make();
      memo.set(key, p);
      p.catch(() => memo.delete(key));
    }
    return p;
  };
  const download = (tag: string, asset: string) =>
    `https://github.com/${repo}/releases/download/${encodeURIComponent(tag)}/${encodeURIComponent(asset)}`;

  const platformsOf = (release: GithubRelease, o: ToolOptions): PlatformKey[] => {
    const names = release.assets.map((a) => a.name);
    return ALL_PLATFORMS.filter((p) => {
      try {
        pickAsset(names, p, opts(repo, o));
        return true;
      } catch (e) {
        // Two equal candidates: the platform has a build; the lock shows the error with both names.
        return e instanceof AssetPickError && e.kind === "ambiguous";
      }
    });
  };

  return defineRecipe({
    name,
    source: `github:${repo}`,
    versionsKey: `github+${repo.replace("/", "+")}`,
    description: `GitHub releases of ${repo}`,
    homepage: `https://github.com/${repo}`,
    revision: 1,
    platforms: ALL_PLATFORMS,
    options: ["github", "asset", "bin"],

    async versions({ http }, o) {
      const out: VersionInfo[] = [];
      for (const r of await githubReleases(http, repo)) {
        if (!SAFE_TAG.test(r.tag_name) || !Array.isArray(r.assets)) continue;
        checkListing(repo, r);
        const pre = r.prerelease || (semver.valid(r.tag_name, { loose: true }) !== null && semver.prerelease(r.tag_name, { loose: true }) !== null);
        out.push({
          version: r.tag_name,
          ...(r.published_at ? { date: r.published_at.slice(0, 10) } : {}),
          ...(pre ? { prerelease: true } : {}),
          platforms: platformsOf(r, o),
        });
      }
      return out;
    },

    async artifact({ http }, version, platform, o) {
      if (!SAFE_TAG.test(version)) throw new DevenvError("USAGE", `${name}: '${version}' is not a release tag devenv uses`, { hint: `See 'devenv versions ${name}'.` });
      const release = await once(`release:${version}`, () => githubRelease(http, repo, version));
      checkListing(repo, release);
      const picked = pickAsset(release.assets.map((a) => a.name), platform, opts(repo, o));
      const asset = release.assets.find((a) => a.name === picked.name) as GithubAsset;
      const url = download(release.tag_name, asset.name);
      const file = { url, format: picked.format, strip: picked.format === "raw" ? 0 : ("auto" as const), size: asset.size };
      const sum = await releaseAssetChecksum(http, repo, version, release.assets, asset, (n) => download(release.tag_name, n),
        (url) => once(`doc:${url}`, () => fetchChecksumDoc(http, url)));
      if (!sum) {
        throw new ChecksumMissingError(`${name} ${version}: ${repo} publishes no sha256 for ${asset.name} (no checksums file or .sha256 in the release, and GitHub lists no digest for it: uploaded before 2025-06-03)`,
          file, { hint: "Pick another version, or pin the download inline in devenv.ts ({ version, url, sha256 })." });
      }
      return { ...file, sha256: sum.sha256, checksum: sum.checksum };
    },

    acceptsUrl(version, platform, url, o) {
      const prefix = `https://github.com/${repo}/releases/download/${encodeURIComponent(version)}/`;
      if (!url.startsWith(prefix)) return false;
      let asset: string;
      try {
        asset = decodeURIComponent(url.slice(prefix.length));
      } catch {
        return false;
      }
      if (!SAFE_ASSET.test(asset) || asset.includes("..") || download(version, asset) !== url) return false;
      return assetFits(asset, platform, opts(repo, o));
    },

    bin: () => [GITHUB_BIN_DIR],

    normalizeOptions(o) {
      const out: ToolOptions = { ...o };
      if (Array.isArray(o.bin)) out.bin = [...new Set(o.bin.map(String))].sort();
      return out;
    },

    postInstall(tree, _platform, o) {
      linkCommands(tree, name, repo, Array.isArray(o.bin) ? o.bin.map(String) : undefined);
    },
  });
}

export { GITHUB_BIN_DIR, linkCommands } from "./github-bin.js";

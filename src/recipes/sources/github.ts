import { DevenvError } from "../../errors.js";
import type { Http } from "../../platform/http.js";
import type { PlatformKey, VersionInfo } from "../types.js";

export interface GithubAsset {
  name: string;
  size: number;
  browser_download_url: string;
  digest?: string | null;
}
export interface GithubRelease {
  tag_name: string;
  draft: boolean;
  prerelease: boolean;
  published_at?: string;
  assets: GithubAsset[];
}

const MAX_PAGES = 10;

/** Every release of owner/repo from the releases API (paginated, per_page=100). */
export async function githubReleases(http: Http, repo: string): Promise<GithubRelease[]> {
  const all = await http.jsonPages<GithubRelease>(`https://api.github.com/repos/${repo}/releases?per_page=100`, MAX_PAGES);
  return all.filter((r) => !r.draft);
}

/**
 * The releases of owner/repo a page at a time, as the API lists them (newest first), drafts left
 * out: for repositories whose full list is slow (python-build-standalone times out above 10 per
 * page) and whose callers can stop early. Pages are shared within the process (Http.jsonPageWalk).
 */
export async function* githubReleasePages(http: Http, repo: string, perPage: number, maxPages: number): AsyncGenerator<GithubRelease[]> {
  for await (const page of http.jsonPageWalk<GithubRelease>(`https://api.github.com/repos/${repo}/releases?per_page=${perPage}`, maxPages)) {
    yield page.filter((r) => !r.draft);
  }
}

/** One release by tag. */
export async function githubRelease(http: Http, repo: string, tag: string): Promise<GithubRelease> {
  return http.json<GithubRelease>(`https://api.github.com/repos/${repo}/releases/tags/${encodeURIComponent(tag)}`);
}

/**
 * Versions from `v`-prefixed release tags (other tag styles, e.g. `release-1.2.0`, are skipped), with
 * the platforms each release publishes when `platformsOf` says (from its asset list: no extra request).
 */
export function releaseVersions(
  releases: GithubRelease[],
  isVersion: (v: string) => boolean,
  platformsOf?: (release: GithubRelease, version: string) => PlatformKey[],
): VersionInfo[] {
  return releases
    .filter((r) => r.tag_name.startsWith("v") && isVersion(r.tag_name.slice(1)))
    .map((r) => {
      const version = r.tag_name.slice(1);
      return {
        version,
        ...(r.published_at ? { date: r.published_at.slice(0, 10) } : {}),
        ...(platformsOf ? { platforms: platformsOf(r, version) } : {}),
      };
    });
}

/** The named asset of a release, or an error listing the assets it does have (those ending in `ext`). */
export function releaseAsset(tool: string, version: string, platform: string, release: GithubRelease, name: string, ext: string): GithubAsset {
  const asset = release.assets.find((a) => a.name === name);
  if (asset) return asset;
  throw new DevenvError("UNSUPPORTED_PLATFORM", `${tool} ${version} has no ${platform} build (no asset ${name})`, {
    hint: `Assets of ${release.tag_name}: ${release.assets.map((a) => a.name).filter((n) => n.endsWith(ext)).join(", ") || "none"}. Pick another version ('devenv versions ${tool}') or drop ${platform} from the lock.`,
  });
}

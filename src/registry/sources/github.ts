import { DevenvError } from "../../errors.js";
import type { Http } from "../../platform/http.js";

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
  const out: GithubRelease[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const url = `https://api.github.com/repos/${repo}/releases?per_page=100&page=${page}`;
    const batch = await http.json<GithubRelease[]>(url);
    if (!Array.isArray(batch)) {
      throw new DevenvError("HTTP", `GitHub API for ${repo} returned something other than a release list`, {
        hint: "Set GITHUB_TOKEN if you are rate limited, or check DEVENV_MIRRORS.",
      });
    }
    out.push(...batch);
    if (batch.length < 100) break;
  }
  return out.filter((r) => !r.draft);
}

/** One release by tag. */
export async function githubRelease(http: Http, repo: string, tag: string): Promise<GithubRelease> {
  return http.json<GithubRelease>(`https://api.github.com/repos/${repo}/releases/tags/${encodeURIComponent(tag)}`);
}

export const githubDownloadUrl = (repo: string, tag: string, asset: string) =>
  `https://github.com/${repo}/releases/download/${tag}/${asset}`;

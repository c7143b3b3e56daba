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
  const all = await http.jsonPages<GithubRelease>(`https://api.github.com/repos/${repo}/releases?per_page=100`, MAX_PAGES);
  return all.filter((r) => !r.draft);
}

/** One release by tag. */
export async function githubRelease(http: Http, repo: string, tag: string): Promise<GithubRelease> {
  return http.json<GithubRelease>(`https://api.github.com/repos/${repo}/releases/tags/${encodeURIComponent(tag)}`);
}

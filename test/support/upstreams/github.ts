/**
 * Generic GitHub releases for one repository: the REST API (list with per_page/page + Link header,
 * tags/{tag}, latest, by id, assets/{id}) and github.com/{owner}/{repo}/releases/download/{tag}/{asset}.
 * Repository-specific modules (cmake.ts, llvm.ts, pbs.ts, …) only describe releases.
 *
 * As the real API (see test/fixtures/real/github-digest-evidence.txt): an asset has
 * `digest: "sha256:…"` only if it was uploaded on or after 2025-06-03 (its `created_at`); older ones
 * have `digest: null` (never backfilled). `GithubRateLimit` answers 403 once the unauthenticated
 * budget (60 an hour for real) is spent.
 */
import { sha256hex } from "../archives.js";
import { bytes, compareVersions, json, Lazy, normalizeSpecs, versionDate, type FakeRequest, type FakeResponse, type Upstream, type VersionSpec } from "./types.js";

export interface GithubAssetSpec {
  name: string;
  contentType?: string;
  /** ISO timestamp of the upload (`created_at`; decides the digest); default: the release's publish time. */
  uploadedAt?: string;
  /**
   * The sha256 (hex) the API reports as this asset's digest, where it has one; default: that of the
   * served bytes. Conformance tests serve small stand-ins under real names with the real hashes.
   */
  digest?: string;
  /** Called at most once (memoised). */
  build: () => Promise<Buffer> | Buffer;
}

export interface GithubReleaseSpec {
  tag: string;
  name?: string;
  prerelease?: boolean;
  /** Drafts are only listed for requests carrying an Authorization header (like the real API). */
  draft?: boolean;
  /** ISO timestamp; default derived from the tag. */
  publishedAt?: string;
  body?: string;
  assets: GithubAssetSpec[];
}

export interface GithubRepoOptions {
  owner: string;
  repo: string;
  /** Numeric repository id, used in `Link` URLs (`/repositories/{id}/releases`) like the real API. */
  repoId: number;
  releases: GithubReleaseSpec[];
  /** Server-side cap on per_page (the real API caps at 100; default per_page is 30). */
  pageSize?: number;
  /**
   * Override of the real rule (by default an asset uploaded before 2025-06-03 has `digest: null`):
   * true gives every asset a digest, false none.
   */
  digests?: boolean;
  /** Answer downloads with a 302 to a local `/objects.githubusercontent.com/…` URL, like github.com does. */
  redirectDownloads?: boolean;
}

const API = "https://api.github.com";
const WEB = "https://github.com";
const API_HEADERS = { "x-ratelimit-limit": "60", "x-ratelimit-remaining": "59", "x-github-api-version-selected": "2022-11-28" };

/** The day GitHub began recording release-asset digests (github.blog changelog 2025-06-03). */
export const DIGESTS_SINCE = "2025-06-03T00:00:00Z";

/** Does GitHub list a digest for an asset uploaded at `createdAt`? (`override`: the `digests` option.) */
export const hasDigest = (createdAt: string, override?: boolean): boolean =>
  override ?? Date.parse(createdAt) >= Date.parse(DIGESTS_SINCE);

const addMinutes = (iso: string, m: number) => new Date(Date.parse(iso) + m * 60_000).toISOString().replace(/\.000Z$/, "Z");

/**
 * The API's primary rate limit for one client address, shared by every repository of the fake:
 * unauthenticated requests (no Authorization header) to api.github.com count; past `limit` they get
 * the real 403 (`x-ratelimit-remaining: 0`, `x-ratelimit-reset`, "API rate limit exceeded for …").
 * Authenticated requests have the real 5000 and are not counted here.
 */
export class GithubRateLimit {
  used = 0;
  constructor(readonly limit = 60, readonly resetAt = Math.floor(Date.now() / 1000) + 3600) {}

  /** Count a request to the fake; a 403 response once the budget is spent (undefined: let it through). */
  take(req: FakeRequest): FakeResponse | undefined {
    if (!req.path.startsWith("/api.github.com/") || req.headers.authorization !== undefined) return undefined;
    if (this.used >= this.limit) {
      return {
        status: 403,
        contentType: "application/json; charset=utf-8",
        headers: { ...this.headers(), "x-ratelimit-used": String(this.used), "x-ratelimit-resource": "core" },
        body: `${JSON.stringify({
          message: "API rate limit exceeded for 127.0.0.1. (But here's the good news: Authenticated requests get a higher rate limit. Check out the documentation for more details.)",
          documentation_url: "https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting",
        })}\n`,
      };
    }
    this.used++;
    return undefined;
  }

  /** The x-ratelimit-* headers of an unauthenticated API answer now. */
  headers(): Record<string, string> {
    return {
      "x-ratelimit-limit": String(this.limit),
      "x-ratelimit-remaining": String(Math.max(0, this.limit - this.used)),
      "x-ratelimit-reset": String(this.resetAt),
    };
  }

  reset(): void {
    this.used = 0;
  }
}

const notFound = (doc: string): FakeResponse => ({
  ...json({ message: "Not Found", documentation_url: `https://docs.github.com/rest/releases/${doc}`, status: "404" }, API_HEADERS),
  status: 404,
});

/** Where a project's releases live: the repository and its numeric id. */
export type GithubRepoId = Pick<GithubRepoOptions, "owner" | "repo" | "repoId">;

/** A project's GitHub releases made from version specs (a version or { version, …info }), one release each. */
export function releasesUpstream<T>(
  repo: GithubRepoId,
  specs: readonly VersionSpec<T>[],
  opts: Omit<GithubRepoOptions, keyof GithubRepoId | "releases">,
  release: (s: { version: string } & Partial<T>) => GithubReleaseSpec,
): Upstream {
  return githubRepoUpstream({ ...opts, ...repo, releases: normalizeSpecs<T>(specs).map(release) });
}

export function githubRepoUpstream(o: GithubRepoOptions): Upstream {
  const full = `${o.owner}/${o.repo}`;
  const lazy = new Lazy();
  const releases = o.releases
    .map((r) => ({ ...r, publishedAt: r.publishedAt ?? `${versionDate(r.tag, Date.UTC(2016, 0, 1))}T12:00:00Z` }))
    .sort((a, b) => b.publishedAt.localeCompare(a.publishedAt) || compareVersions(b.tag, a.tag));
  const releaseId = (i: number) => o.repoId * 1000 + i + 1;
  const assetId = (i: number, j: number) => o.repoId * 1_000_000 + (i + 1) * 1000 + j + 1;
  const data = (i: number, j: number): Promise<Buffer> =>
    lazy.get(`${i}/${j}`, async () => releases[i]!.assets[j]!.build());
  const user = { login: "github-actions[bot]", id: 41898282, type: "Bot", site_admin: false };

  const assetJson = async (i: number, j: number) => {
    const r = releases[i]!;
    const a = r.assets[j]!;
    const buf = await data(i, j);
    const id = assetId(i, j);
    const created = a.uploadedAt ?? r.publishedAt;
    return {
      url: `${API}/repos/${full}/releases/assets/${id}`,
      id,
      node_id: `RA_fake${id}`,
      name: a.name,
      label: "",
      uploader: user,
      content_type: a.contentType ?? "application/octet-stream",
      state: "uploaded",
      size: buf.length,
      digest: hasDigest(created, o.digests) ? `sha256:${a.digest ?? sha256hex(buf)}` : null,
      download_count: 0,
      created_at: created,
      // Upload finished a little later (a multi-megabyte upload).
      updated_at: addMinutes(created, 1),
      browser_download_url: `${WEB}/${full}/releases/download/${r.tag}/${a.name}`,
    };
  };

  const releaseJson = async (i: number) => {
    const r = releases[i]!;
    const id = releaseId(i);
    return {
      url: `${API}/repos/${full}/releases/${id}`,
      assets_url: `${API}/repos/${full}/releases/${id}/assets`,
      upload_url: `https://uploads.github.com/repos/${full}/releases/${id}/assets{?name,label}`,
      html_url: `${WEB}/${full}/releases/tag/${r.tag}`,
      id,
      author: user,
      node_id: `RE_fake${id}`,
      tag_name: r.tag,
      target_commitish: "master",
      name: r.name ?? r.tag,
      draft: r.draft ?? false,
      immutable: false,
      prerelease: r.prerelease ?? false,
      // The release object was created (from its tag) before it was published.
      created_at: addMinutes(r.publishedAt, -30),
      updated_at: r.publishedAt,
      published_at: r.draft ? null : r.publishedAt,
      assets: await Promise.all(r.assets.map((_, j) => assetJson(i, j))),
      tarball_url: `${API}/repos/${full}/tarball/${r.tag}`,
      zipball_url: `${API}/repos/${full}/zipball/${r.tag}`,
      body: r.body ?? `${o.repo} ${r.tag} (fake release for devenv tests)`,
    };
  };

  const visible = (req: FakeRequest) =>
    releases.map((r, i) => ({ r, i })).filter(({ r }) => !r.draft || req.headers.authorization !== undefined);

  async function list(req: FakeRequest): Promise<FakeResponse> {
    const requested = Number.parseInt(req.query.get("per_page") ?? "30", 10);
    const perPage = Math.min(Number.isFinite(requested) && requested > 0 ? requested : 30, 100, o.pageSize ?? 100);
    const page = Math.max(1, Number.parseInt(req.query.get("page") ?? "1", 10) || 1);
    const all = visible(req);
    const last = Math.max(1, Math.ceil(all.length / perPage));
    const slice = all.slice((page - 1) * perPage, page * perPage);
    const link = (p: number, rel: string) => `<${API}/repositories/${o.repoId}/releases?per_page=${perPage}&page=${p}>; rel="${rel}"`;
    const links: string[] = [];
    if (page > 1) links.push(link(Math.min(page - 1, last), "prev"));
    if (page < last) links.push(link(page + 1, "next"), link(last, "last"));
    if (page > 1) links.push(link(1, "first"));
    const headers: Record<string, string> = { ...API_HEADERS };
    if (links.length) headers.link = links.join(", ");
    return json(await Promise.all(slice.map(({ i }) => releaseJson(i))), headers);
  }

  async function download(i: number, name: string, req: FakeRequest, ctx: { origin: string }): Promise<FakeResponse | undefined> {
    const j = releases[i]!.assets.findIndex((a) => a.name === name);
    if (j < 0) return undefined;
    if (o.redirectDownloads && !req.path.startsWith("/objects.githubusercontent.com/")) {
      const loc = `${ctx.origin}/objects.githubusercontent.com/github-production-release-asset/${o.repoId}/${assetId(i, j)}/${encodeURIComponent(name)}`;
      return { status: 302, headers: { location: loc }, body: "" };
    }
    return bytes(await data(i, j), "application/octet-stream");
  }

  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const owner = esc(o.owner);
  const repo = esc(o.repo);
  const api = `/api\\.github\\.com/(?:repos/${owner}/${repo}|repositories/${o.repoId})/releases`;
  const R = {
    list: new RegExp(`^${api}/?$`, "i"),
    latest: new RegExp(`^${api}/latest$`, "i"),
    tag: new RegExp(`^${api}/tags/(.+)$`, "i"),
    byId: new RegExp(`^${api}/(\\d+)$`, "i"),
    asset: new RegExp(`^${api}/assets/(\\d+)$`, "i"),
    download: new RegExp(`^/github\\.com/${owner}/${repo}/releases/download/([^/]+)/([^/]+)$`, "i"),
    objects: new RegExp(`^/objects\\.githubusercontent\\.com/github-production-release-asset/${o.repoId}/(\\d+)/([^/]+)$`),
  };

  return {
    name: `github:${full}`,
    origins: [API, WEB],
    async handle(req, ctx) {
      const p = req.path;
      let m: RegExpExecArray | null;
      if (R.list.test(p)) return list(req);
      if (R.latest.test(p)) {
        const hit = visible(req).find(({ r }) => !r.draft && !r.prerelease);
        return hit ? json(await releaseJson(hit.i), API_HEADERS) : notFound("releases#get-the-latest-release");
      }
      if ((m = R.tag.exec(p))) {
        const hit = visible(req).find(({ r }) => r.tag === m![1]);
        return hit ? json(await releaseJson(hit.i), API_HEADERS) : notFound("releases#get-a-release-by-tag-name");
      }
      if ((m = R.byId.exec(p))) {
        const hit = visible(req).find(({ i }) => releaseId(i) === Number(m![1]));
        return hit ? json(await releaseJson(hit.i), API_HEADERS) : notFound("releases#get-a-release");
      }
      if ((m = R.asset.exec(p))) {
        for (const { r, i } of visible(req)) {
          const j = r.assets.findIndex((_, k) => assetId(i, k) === Number(m![1]));
          if (j < 0) continue;
          if (/application\/octet-stream/.test(String(req.headers.accept ?? ""))) return bytes(await data(i, j));
          return json(await assetJson(i, j), API_HEADERS);
        }
        return notFound("assets#get-a-release-asset");
      }
      if ((m = R.download.exec(p))) {
        const i = releases.findIndex((r) => r.tag === m![1]);
        return i < 0 ? undefined : download(i, m[2]!, req, ctx);
      }
      if ((m = R.objects.exec(p))) {
        for (let i = 0; i < releases.length; i++) {
          const j = releases[i]!.assets.findIndex((_, k) => assetId(i, k) === Number(m![1]));
          if (j >= 0) return download(i, releases[i]!.assets[j]!.name, req, ctx);
        }
      }
      return undefined;
    },
  };
}

/**
 * The fake GitHub behaves like the real API where devenv depends on it: asset digests only for
 * uploads since 2025-06-03 (test/fixtures/real/github-digest-evidence.txt), the Link header of a
 * paginated list, and the 403 of a spent rate limit.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startFakeUpstream, type FakeUpstream } from "../support/fake-upstream.js";
import { githubRepoUpstream, GithubRateLimit } from "../support/upstreams/github.js";
import { assertNoExternalRequests, installNetGuard } from "../support/net-guard.js";

installNetGuard();
let fake: FakeUpstream;
const resetAt = 2_000_000_000;
before(async () => {
  fake = await startFakeUpstream({
    upstreams: [githubRepoUpstream({
      owner: "acme", repo: "tool", repoId: 4242,
      releases: [
        { tag: "v1.0.0", publishedAt: "2025-06-02T23:59:59Z", assets: [{ name: "old.zip", build: () => Buffer.from("old") }] },
        { tag: "v1.1.0", publishedAt: "2025-06-03T00:00:00Z", assets: [{ name: "new.zip", build: () => Buffer.from("new") }] },
        // A release published in 2024 whose asset was re-uploaded in 2025: the upload decides.
        { tag: "v0.9.0", publishedAt: "2024-01-01T00:00:00Z", assets: [{ name: "reup.zip", uploadedAt: "2025-07-01T00:00:00Z", build: () => Buffer.from("re") }] },
      ],
    })],
    githubRateLimit: new GithubRateLimit(5, resetAt),
  });
});
after(async () => {
  await fake.close();
  assertNoExternalRequests();
});

type Rel = { tag_name: string; created_at: string; published_at: string; assets: { name: string; digest: string | null; created_at: string; updated_at: string }[] };
const api = async (path: string, headers: Record<string, string> = {}) => fetch(fake.url(`/api.github.com/repos/acme/tool/releases${path}`), { headers });

test("digest null before 2025-06-03 and sha256 from then on, by each asset's upload time; timestamps look real", async () => {
  fake.reset();
  const rel = async (tag: string) => (await (await api(`/tags/${tag}`)).json()) as Rel;
  const old = await rel("v1.0.0");
  assert.equal(old.assets[0]!.digest, null);
  assert.equal(old.assets[0]!.created_at, "2025-06-02T23:59:59Z");
  assert.match(old.assets[0]!.updated_at, /^2025-06-03T00:00:59Z$/);
  assert.ok(old.created_at < old.published_at, "the release was created before it was published");
  assert.equal((await rel("v1.1.0")).assets[0]!.digest, `sha256:${await fake.sha256("/github.com/acme/tool/releases/download/v1.1.0/new.zip")}`);
  assert.match((await rel("v0.9.0")).assets[0]!.digest ?? "", /^sha256:[0-9a-f]{64}$/);
});

test("the list is paginated with the real Link header shape (repositories/{id}, prev/next/last/first)", async () => {
  fake.reset();
  const r1 = await api("?per_page=1");
  assert.equal(r1.headers.get("link"),
    '<https://api.github.com/repositories/4242/releases?per_page=1&page=2>; rel="next", <https://api.github.com/repositories/4242/releases?per_page=1&page=3>; rel="last"');
  const r2 = await fetch(fake.url("/api.github.com/repositories/4242/releases?per_page=1&page=2"));
  assert.equal(r2.headers.get("link"), [
    '<https://api.github.com/repositories/4242/releases?per_page=1&page=1>; rel="prev"',
    '<https://api.github.com/repositories/4242/releases?per_page=1&page=3>; rel="next"',
    '<https://api.github.com/repositories/4242/releases?per_page=1&page=3>; rel="last"',
    '<https://api.github.com/repositories/4242/releases?per_page=1&page=1>; rel="first"',
  ].join(", "));
  // Newest published first.
  assert.deepEqual(((await r1.json()) as Rel[]).map((r) => r.tag_name), ["v1.1.0"]);
});

test("rate limit: remaining counts down, then 403 with x-ratelimit-remaining 0, the reset time and GitHub's message; tokens pass", async () => {
  fake.reset();
  const seen: string[] = [];
  for (let i = 0; i < 5; i++) seen.push((await api("/tags/v1.0.0")).headers.get("x-ratelimit-remaining") ?? "");
  assert.deepEqual(seen, ["4", "3", "2", "1", "0"]);
  const r = await api("/tags/v1.0.0");
  assert.equal(r.status, 403);
  assert.equal(r.headers.get("x-ratelimit-remaining"), "0");
  assert.equal(r.headers.get("x-ratelimit-reset"), String(resetAt));
  assert.equal(r.headers.get("x-ratelimit-limit"), "5");
  assert.match(r.headers.get("content-type") ?? "", /^application\/json/);
  const body = (await r.json()) as { message: string; documentation_url: string };
  assert.match(body.message, /^API rate limit exceeded for 127\.0\.0\.1\. \(But here's the good news: Authenticated requests get a higher rate limit\./);
  assert.match(body.documentation_url, /rate-limiting/);
  // Downloads (github.com) and authenticated API requests are not limited by it.
  assert.equal((await fetch(fake.url("/github.com/acme/tool/releases/download/v1.0.0/old.zip"))).status, 200);
  assert.equal((await api("/tags/v1.0.0", { authorization: "Bearer x" })).status, 200);
});

/**
 * GitHub's unauthenticated API limit (60 requests an hour per address): once spent, the API answers
 * 403 with `x-ratelimit-remaining: 0` and the reset time. devenv must say so, when it resets and what
 * to do, without retrying; a token (GITHUB_TOKEN or GH_TOKEN) goes to the API only, never to downloads.
 */
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { GithubRateLimit } from "../support/upstreams/github.js";
import { assertOk } from "../helpers/cli.js";
import { projectSandboxes } from "../support/project-sandbox.js";
import { useFakeUpstream } from "../support/use-fake-upstream.js";

const resetAt = Math.floor(Date.now() / 1000) + 25 * 60;
// A release newer than devenv's table, uploaded in 2026: its digest is the only sha256.
const fake = useFakeUpstream({ ninja: [{ version: "1.14.0", publishedAt: "2026-01-10T12:00:00Z" }], githubRateLimit: new GithubRateLimit(1, resetAt) });

const NINJA = `export default { tools: { ninja: "1.14" } };\n`;
const fresh = projectSandboxes(() => fake.mirrors);

test("a spent rate limit: the error names it, the reset time and GITHUB_TOKEN, and is not retried", async () => {
  fake.reset();
  const sb = await fresh(NINJA);
  const r = await sb.run(["lock"]);
  assert.equal(r.code, 1, r.stderr);
  // (The URL is the one requested: here the fake standing in for api.github.com through DEVENV_MIRRORS.)
  assert.match(r.stderr, /refused \S+\/api\.github\.com\/repos\/ninja-build\/ninja\/releases\S*: GitHub API rate limit exceeded \(HTTP 403; limit: 1 requests an hour\)/);
  const reset = new Date(resetAt * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
  assert.match(r.stderr, new RegExp(`hint: Retry after ${reset} \\(in 2[45] min\\), or set GITHUB_TOKEN \\(or GH_TOKEN\\) to a GitHub token for 5000 requests an hour: devenv sends it only to api\\.github\\.com`));
  // One request got through, then exactly one 403: a spent limit is not retried.
  assert.equal(fake.log.filter((l) => l.status === 403).length, 1, fake.log.map((l) => `${l.status} ${l.url}`).join("\n"));
});

test("with GH_TOKEN set, API requests carry it and pass; downloads never see it", async () => {
  fake.reset();
  const sb = await fresh(NINJA, { env: { GH_TOKEN: "ghp_faketoken" } });
  assertOk(await sb.run(["lock"]));
  const api = fake.log.filter((l) => l.url.startsWith("/api.github.com/"));
  assert.ok(api.length > 0);
  for (const l of api) assert.equal(l.headers.authorization, "Bearer ghp_faketoken", l.url);
  fake.reset();
  assertOk(await sb.run(["install"]));
  const downloads = fake.log.filter((x) => x.url.startsWith("/github.com/"));
  assert.ok(downloads.length > 0);
  for (const l of downloads) assert.equal(l.headers.authorization, undefined, l.url);
});

/**
 * python-build-standalone as it really answers (issue 14): the releases list times out (HTTP 504) at
 * the API's default page size and at 100 per page, so devenv lists 10 per page and stops at the newest
 * release that answers the lock. The 20241016 release carries its real asset names
 * (test/fixtures/real/pbs-20241016-asset-names.excerpt.txt) and a SHA256SUMS listing the two real
 * sha256 published for its macOS builds; the host's build is the fake's own bytes (it gets installed).
 * Its assets predate 2025-06-03, so GitHub gives them no digest.
 */
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { hostPlatform } from "../../src/platform/host.js";
import { startFakeUpstream, type FakeUpstream } from "../support/fake-upstream.js";
import { assertNoExternalRequests, installNetGuard } from "../support/net-guard.js";
import { PBS_TIMEOUT_BODY, type PbsReleaseSpec } from "../support/upstreams/pbs.js";
import { assertOk, repoRoot, sandbox } from "../helpers/cli.js";

installNetGuard();
let fake: FakeUpstream;

const REPO = "astral-sh/python-build-standalone";
const DL = `https://github.com/${REPO}/releases/download`;
const excerpt = readFileSync(join(repoRoot, "test/fixtures/real/pbs-20241016-asset-names.excerpt.txt"), "utf8");
const NAMES = excerpt.split("\n").filter((l) => /^cpython-/.test(l));
/** The `# <hex>  <file>` lines of the excerpt: sha256 published for the macOS builds. */
const REAL_SUMS = Object.fromEntries([...excerpt.matchAll(/^# ([0-9a-f]{64}) {2}(cpython-\S+)$/gm)].map((m) => [m[2]!, m[1]!]));

// Eleven older releases (stand-ins, 3.12.5/3.12.6) after the real one: two pages at 10 per page.
const OLDER: PbsReleaseSpec[] = Array.from({ length: 11 }, (_, i) => ({
  tag: `202409${String(i + 10).padStart(2, "0")}`,
  pythons: [i < 5 ? "3.12.5" : "3.12.6"],
}));

before(async () => {
  fake = await startFakeUpstream({
    pbs: [{ tag: "20241016", pythons: ["3.12.7", "3.13.0"], names: NAMES, sums: REAL_SUMS }, ...OLDER],
    githubDigests: false,
  });
});
after(async () => {
  await fake.close();
  assertNoExternalRequests();
});

const TRIPLES: Record<string, string> = {
  "linux-x64": "x86_64-unknown-linux-gnu",
  "linux-arm64": "aarch64-unknown-linux-gnu",
  "darwin-x64": "x86_64-apple-darwin",
  "darwin-arm64": "aarch64-apple-darwin",
};

test("the fixture holds the real names and the two real sha256 of the 20241016 macOS builds", () => {
  assert.equal(REAL_SUMS["cpython-3.12.7+20241016-aarch64-apple-darwin-install_only.tar.gz"], "4c18852bf9c1a11b56f21bcf0df1946f7e98ee43e9e4c0c5374b2b3765cf9508");
  assert.equal(REAL_SUMS["cpython-3.12.7+20241016-x86_64-apple-darwin-install_only.tar.gz"], "60c5271e7edc3c2ab47440b7abf4ed50fbc693880b474f74f05768f5b657045a");
  assert.ok(NAMES.includes("cpython-3.12.7+20241016-x86_64-unknown-linux-gnu-install_only.tar.gz"));
  assert.ok(NAMES.length >= 17);
});

test("the fake releases list answers 504 at the default page size and above 10 per page, like the real one", async () => {
  const list = `${fake.origin}/api.github.com/repos/${REPO}/releases`;
  for (const q of ["", "?per_page=30", "?per_page=100", "?per_page=11"]) {
    const res = await fetch(`${list}${q}`);
    assert.equal(res.status, 504, q);
    assert.equal(await res.text(), PBS_TIMEOUT_BODY);
  }
  const ok = await fetch(`${list}?per_page=10`);
  assert.equal(ok.status, 200);
  assert.equal(((await ok.json()) as unknown[]).length, 10);
  assert.match(ok.headers.get("link") ?? "", /per_page=10&page=2>; rel="next"/);
});

test("add python@3.12 locks 3.12.7+20241016 with the real SHA256SUMS values for macOS, reading one page of 10", async () => {
  const host = hostPlatform()!;
  const sb = sandbox(fake.mirrors);
  mkdirSync(sb.project, { recursive: true });
  await sb.writeConfig(`export default { platforms: ["darwin-arm64", "darwin-x64"], tools: {} };\n`);
  fake.reset();
  const r = await sb.run(["add", "python@3.12"]);
  assertOk(r);

  const entry = JSON.parse(readFileSync(join(sb.project, "devenv.lock"), "utf8")).tools.python;
  assert.equal(entry.version, "3.12.7");
  const p = entry.platforms;
  assert.deepEqual(Object.keys(p).sort(), [...new Set(["darwin-arm64", "darwin-x64", host])].sort());
  assert.equal(p["darwin-arm64"].url, `${DL}/20241016/cpython-3.12.7%2B20241016-aarch64-apple-darwin-install_only.tar.gz`);
  assert.equal(p["darwin-arm64"].sha256, "4c18852bf9c1a11b56f21bcf0df1946f7e98ee43e9e4c0c5374b2b3765cf9508");
  assert.equal(p["darwin-x64"].url, `${DL}/20241016/cpython-3.12.7%2B20241016-x86_64-apple-darwin-install_only.tar.gz`);
  assert.equal(p["darwin-x64"].sha256, "60c5271e7edc3c2ab47440b7abf4ed50fbc693880b474f74f05768f5b657045a");
  // The host's build was downloaded, checked against the same SHA256SUMS and installed.
  const hostName = `cpython-3.12.7+20241016-${TRIPLES[host]}-install_only.tar.gz`;
  assert.equal(p[host].url, `${DL}/20241016/${encodeURIComponent(hostName)}`);
  assert.equal(p[host].sha256, await fake.sha256(`/github.com/${REPO}/releases/download/20241016/${hostName}`));
  const v = await sb.run(["exec", "--", "python3", "--version"]);
  assertOk(v);
  assert.equal(v.stdout, "Python 3.12.7\n");

  // 10 per page, never more; the first page holds 20241016, so the second is never read.
  const lists = fake.requests.filter((u) => u.includes("/releases?") || /\/releases$/.test(u));
  assert.deepEqual(lists, [`/api.github.com/repos/${REPO}/releases?per_page=10`]);
  assert.equal(fake.log.filter((l) => l.status === 504).length, 0);
  assert.equal(fake.count(/\/releases\/download\/20241016\/SHA256SUMS$/), 1);
  assert.equal(fake.count(/apple-darwin-install_only\.tar\.gz$/), 0, "the macOS builds are locked, not downloaded");
});

test("versions python reads every page, 10 at a time", async () => {
  const sb = sandbox(fake.mirrors);
  mkdirSync(sb.project, { recursive: true });
  fake.reset();
  const r = await sb.run(["versions", "python", "--json"]);
  assertOk(r);
  const versions = (JSON.parse(r.stdout) as { version: string }[]).map((v) => v.version);
  // 3.13.0 has no install_only build in the excerpt (only a full .tar.zst): not listed.
  assert.deepEqual(versions, ["3.12.7", "3.12.6", "3.12.5"]);
  assert.deepEqual(fake.requests.filter((u) => u.includes("/releases?")), [
    `/api.github.com/repos/${REPO}/releases?per_page=10`,
    "/api.github.com/repositories/162334160/releases?per_page=10&page=2",
  ]);
});

test("add python without a range reads only the pages the newest stable version needs", async () => {
  const sb = sandbox(fake.mirrors);
  mkdirSync(sb.project, { recursive: true });
  fake.reset();
  assertOk(await sb.run(["add", "python", "--no-install"]));
  assert.match(readFileSync(join(sb.project, "devenv.ts"), "utf8"), /python: "3"/);
  assert.equal(JSON.parse(readFileSync(join(sb.project, "devenv.lock"), "utf8")).tools.python.version, "3.12.7");
  assert.deepEqual(fake.requests.filter((u) => u.includes("/releases?")), [`/api.github.com/repos/${REPO}/releases?per_page=10`]);
});

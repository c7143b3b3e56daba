/**
 * Where an aqua tool's checksum comes from, against a fake GitHub: the entry's checksum document
 * (sha256, or sha512 locked as an integrity), else the asset's digest, else nothing (the first-download
 * opt-in decides); a sha1 or md5 document is too weak to lock; a document that does not list the asset
 * is an error unless GitHub has a digest; a listing missing the platform's asset says so.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import { createHttp, type Http } from "../../src/platform/http.js";
import { parseMirrors } from "../../src/platform/mirrors.js";
import { ChecksumMissingError } from "../../src/recipes/checksums.js";
import { aquaRecipe } from "../../src/recipes/sources/aqua/recipe.js";
import type { AquaPackage } from "../../src/recipes/sources/aqua/types.js";
import { sha256hex } from "../support/archives.js";
import { githubRepoUpstream, type GithubAssetSpec } from "../support/upstreams/github.js";
import { useFakeUpstream } from "../support/use-fake-upstream.js";

const bin = (os: string) => Buffer.from(`#!/bin/sh\necho tool ${os}\n`);
const asset = (name: string, bytes: Buffer | string, extra: Partial<GithubAssetSpec> = {}): GithubAssetSpec =>
  ({ name, build: () => (typeof bytes === "string" ? Buffer.from(bytes) : bytes), ...extra });
const hex = (algo: string, b: Buffer) => createHash(algo).update(b).digest("hex");
const L = bin("linux");
const D = bin("darwin");
const release = (tag: string, publishedAt: string, sums: Array<[string, string]>) => ({
  tag,
  publishedAt,
  assets: [asset("tool_linux_amd64", L), asset("tool_darwin_amd64", D), ...sums.map(([n, body]) => asset(n, body))],
});

const fake = useFakeUpstream({
  upstreams: [
    githubRepoUpstream({
      owner: "acme", repo: "tool", repoId: 7701,
      releases: [
        // Before 2025-06-03: no digests.
        release("v1.0.0", "2024-01-10T10:00:00Z", [
          ["sha256.txt", `${sha256hex(L)}  tool_linux_amd64\n${sha256hex(D)}  tool_darwin_amd64\n`],
          ["sha512.txt", `${hex("sha512", L)}  tool_linux_amd64\n`],
          ["sha1.txt", `${hex("sha1", L)}  tool_linux_amd64\n`],
          ["other.txt", `${sha256hex(D)}  tool_darwin_amd64\n`],
        ]),
        // After: every asset has a digest.
        release("v2.0.0", "2025-08-01T10:00:00Z", [["other.txt", `${sha256hex(D)}  tool_darwin_amd64\n`]]),
      ],
    }),
  ],
}, () => {
  http = createHttp({ mirrors: parseMirrors(fake.mirrors), offline: false, backoffMs: 5 });
});
let http: Http;

const pkg = (checksum?: Record<string, unknown>): AquaPackage => ({
  type: "github_release", repo_owner: "acme", repo_name: "tool", asset: "tool_{{.OS}}_{{.Arch}}", format: "raw",
  supported_envs: ["linux/amd64", "darwin/amd64"],
  ...(checksum ? { checksum: { type: "github_release", ...checksum } } : {}),
});
const catalog = { registry: "project", sha256: "0".repeat(64), package: "acme/tool", entry: "1".repeat(64) };
const artifact = (p: AquaPackage, version = "v1.0.0") => aquaRecipe("tool", p, catalog).artifact({ http }, version, "linux-x64", {});

test("a sha256 document gives the sha256; a sha512 one an integrity; both from the checksum file", async () => {
  const a = await artifact(pkg({ asset: "sha256.txt", algorithm: "sha256" }));
  assert.deepEqual([a.sha256, a.checksum, a.format, a.url], [sha256hex(L), "checksum-file", "raw", "https://github.com/acme/tool/releases/download/v1.0.0/tool_linux_amd64"]);
  const b = await artifact(pkg({ asset: "sha512.txt", algorithm: "sha512" }));
  assert.equal(b.sha256, undefined);
  assert.equal(b.integrity, `sha512-${createHash("sha512").update(L).digest("base64")}`);
  assert.equal(b.checksum, "checksum-file");
});

test("a sha1 document is too weak: no checksum, so only the first-download opt-in locks it", async () => {
  await assert.rejects(artifact(pkg({ asset: "sha1.txt", algorithm: "sha1" })), (e: unknown) => {
    assert.ok(e instanceof ChecksumMissingError, String(e));
    assert.match(e.message, /no published sha256 for tool_linux_amd64 \(it publishes only a sha1, too weak to lock\)/);
    return true;
  });
});

test("no checksum block: the digest where GitHub has one, else nothing", async () => {
  const d = await artifact(pkg(), "v2.0.0");
  assert.deepEqual([d.sha256, d.checksum], [sha256hex(L), "digest"]);
  await assert.rejects(artifact(pkg()), ChecksumMissingError);
});

test("a document that does not list the asset: an error without a digest, the digest with one", async () => {
  await assert.rejects(artifact(pkg({ asset: "other.txt", algorithm: "sha256" })), /other\.txt has no checksum for tool_linux_amd64/);
  const d = await artifact(pkg({ asset: "other.txt", algorithm: "sha256" }), "v2.0.0");
  assert.equal(d.checksum, "digest");
});

test("versions know each release's platforms from its assets; a missing asset is named", async () => {
  const r = aquaRecipe("tool", { ...pkg(), supported_envs: ["linux/amd64", "darwin/amd64", "linux/arm64"] }, catalog);
  const versions = await r.versions({ http }, {});
  assert.deepEqual(versions.map((v) => [v.version, v.platforms]), [["v2.0.0", ["linux-x64", "darwin-x64"]], ["v1.0.0", ["linux-x64", "darwin-x64"]]]);
  await assert.rejects(r.artifact({ http }, "v1.0.0", "linux-arm64", {}), /tool v1\.0\.0 has no linux-arm64 build \(the release has no asset tool_linux_arm64\)/);
});

/**
 * `github:owner/repo` end to end against a fake GitHub (a real HTTP server on 127.0.0.1 serving the
 * releases API and downloads with GitHub's digest rule: only uploads since 2025-06-03 have one):
 * versions with prerelease marks, the asset per platform, its sha256 from a checksums list, a
 * sidecar, the digest, or nowhere (ChecksumMissingError); a checksums list that contradicts the
 * digest, a release listing with a path for an asset name, and a huge checksums file are refused;
 * the picked tarball and a bare program install with `.devenv-bin/<command>` that runs.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { DevenvError } from "../../src/errors.js";
import { createHttp, type Http } from "../../src/platform/http.js";
import { parseMirrors } from "../../src/platform/mirrors.js";
import { ChecksumMissingError } from "../../src/recipes/checksums.js";
import { ChecksumDocError } from "../../src/recipes/sources/aqua/checksum-doc.js";
import { githubRecipe } from "../../src/recipes/sources/github-recipe.js";
import type { PlatformKey, Recipe } from "../../src/recipes/types.js";
import { pickVersion } from "../../src/resolver/range.js";
import { silentReporter } from "../../src/reporter.js";
import { ensureInstalled } from "../../src/store/install.js";
import { gzip, sha256hex, tarEntries } from "../support/archives.js";
import { githubRepoUpstream, type GithubAssetSpec } from "../support/upstreams/github.js";
import { useFakeUpstream } from "../support/use-fake-upstream.js";

const tarball = (top: string, files: Array<[string, string, number?]>) =>
  gzip(tarEntries([{ path: `${top}/`, type: "dir" }, ...files.map(([p, content, mode]) => ({ path: `${top}/${p}`, content, mode: mode ?? 0o644 }))]));
const program = (out: string) => `#!/bin/sh\necho '${out}'\n`;

const W2 = {
  linuxX64: tarball("widget_2.0.0_linux_amd64", [["widget", program("widget 2.0.0"), 0o755], ["README.md", "# widget\n"], ["LICENSE", "MIT\n"]]),
  linuxArm64: tarball("widget_2.0.0_linux_arm64", [["widget", program("widget 2.0.0 arm64"), 0o755]]),
  mac: tarball("widget_2.0.0_darwin_all", [["widget", program("widget 2.0.0 mac"), 0o755]]),
};
/** 1.9.0 ships the program as `wdg` (as ripgrep ships `rg`) beside docs and a completions dir. */
const W19 = tarball("widget-1.9.0-x86_64-unknown-linux-musl", [["wdg", program("wdg 1.9.0"), 0o755], ["README.md", "x\n"], ["COPYING", "x\n"], ["complete/_wdg", "#compdef wdg\n"]]);
const W18 = Buffer.from(program("widget 1.8.0 raw"));

const asset = (name: string, bytes: Buffer | string, extra: Partial<GithubAssetSpec> = {}): GithubAssetSpec =>
  ({ name, build: () => (typeof bytes === "string" ? Buffer.from(bytes) : bytes), ...extra });
const sums = (rows: Array<[Buffer | string, string]>) => rows.map(([b, n]) => `${typeof b === "string" ? b : sha256hex(b)}  ${n}\n`).join("");

const fake = useFakeUpstream({
  upstreams: [
    githubRepoUpstream({
      owner: "acme", repo: "widget", repoId: 9101,
      releases: [
        {
          tag: "v2.0.0", publishedAt: "2025-09-01T12:00:00Z",
          assets: [
            asset("widget_2.0.0_linux_amd64.tar.gz", W2.linuxX64),
            asset("widget_2.0.0_linux_arm64.tar.gz", W2.linuxArm64),
            asset("widget_2.0.0_darwin_all.tar.gz", W2.mac),
            asset("widget_2.0.0_linux_amd64.deb", "not a tarball"),
            asset("widget_2.0.0_windows_amd64.zip", "windows"),
            asset("widget_2.0.0_checksums.txt", sums([[W2.linuxX64, "widget_2.0.0_linux_amd64.tar.gz"], [W2.linuxArm64, "widget_2.0.0_linux_arm64.tar.gz"], [W2.mac, "widget_2.0.0_darwin_all.tar.gz"]])),
            asset("widget_2.0.0_checksums.txt.sig", "signature"),
          ],
        },
        { tag: "v2.1.0-rc.1", prerelease: true, publishedAt: "2025-09-10T12:00:00Z", assets: [asset("widget_2.1.0-rc.1_linux_amd64.tar.gz", W2.linuxX64)] },
        // Flagged a prerelease on GitHub though its tag looks final.
        { tag: "v2.2.0", prerelease: true, publishedAt: "2025-09-20T12:00:00Z", assets: [asset("widget_2.2.0_linux_amd64.tar.gz", W2.linuxX64)] },
        // After 2025-06-03: digests, and no checksum file.
        { tag: "v1.9.0", publishedAt: "2025-08-01T12:00:00Z", assets: [asset("widget-1.9.0-x86_64-unknown-linux-musl.tar.gz", W19), asset("widget-1.9.0-x86_64-unknown-linux-gnu.tar.gz", "gnu")] },
        // Before: no digests; a bare-hash .sha256 sidecar per asset (as starship publishes).
        { tag: "v1.8.0", publishedAt: "2024-05-01T12:00:00Z", assets: [asset("widget_1.8.0_linux_amd64", W18), asset("widget_1.8.0_linux_amd64.sha256", `${sha256hex(W18)}\n`)] },
        { tag: "v1.7.0", publishedAt: "2024-04-01T12:00:00Z", assets: [asset("widget_1.7.0_linux_amd64.tar.gz", "old")] },
        // A checksums list that does not match the uploaded file GitHub hashed.
        { tag: "v1.6.0", publishedAt: "2025-07-01T12:00:00Z", assets: [asset("widget_1.6.0_linux_amd64.tar.gz", "bytes"), asset("checksums.txt", sums([["0".repeat(64), "widget_1.6.0_linux_amd64.tar.gz"]]))] },
      ],
    }),
    githubRepoUpstream({
      owner: "evil", repo: "tool", repoId: 9102,
      releases: [{ tag: "v1.0.0", publishedAt: "2025-09-01T12:00:00Z", assets: [asset("tool_linux_amd64.tar.gz", "x"), asset("../../../tool_linux_amd64.tar.gz", "y")] }],
    }),
    githubRepoUpstream({
      owner: "big", repo: "tool", repoId: 9103,
      releases: [{
        tag: "v1.0.0", publishedAt: "2025-09-01T12:00:00Z",
        assets: [asset("tool_linux_amd64.tar.gz", "x"), asset("checksums.txt", Buffer.alloc(5 << 20, "0123456789abcdef  filler\n"))],
      }],
    }),
  ],
}, () => {
  http = createHttp({ mirrors: parseMirrors(fake.mirrors), offline: false, backoffMs: 5 });
});
let http: Http;
const widget: Recipe = githubRecipe("widget", "acme/widget");
const DL = "https://github.com/acme/widget/releases/download";

test("versions: tags as published, GitHub prereleases marked (latest and ranges skip them), platforms from each asset list", async () => {
  const vs = await widget.versions({ http }, {});
  const by = new Map(vs.map((v) => [v.version, v]));
  assert.deepEqual([...by.keys()].sort(), ["v1.6.0", "v1.7.0", "v1.8.0", "v1.9.0", "v2.0.0", "v2.1.0-rc.1", "v2.2.0"]);
  assert.equal(by.get("v2.2.0")!.prerelease, true);
  assert.equal(by.get("v2.1.0-rc.1")!.prerelease, true);
  assert.equal(by.get("v2.0.0")!.prerelease, undefined);
  assert.equal(pickVersion("latest", vs)!.version, "v2.0.0");
  assert.equal(pickVersion("2", vs)!.version, "v2.0.0");
  assert.equal(pickVersion("v2.2.0", vs)!.version, "v2.2.0", "named exactly, a prerelease is still there");
  assert.deepEqual(by.get("v2.0.0")!.platforms, ["linux-x64", "linux-arm64", "darwin-x64", "darwin-arm64"]);
  assert.deepEqual(by.get("v1.9.0")!.platforms, ["linux-x64"]);
  assert.equal(by.get("v2.0.0")!.date, "2025-09-01");
});

test("artifact: the asset per platform with the sha256 of the release's checksums list", async () => {
  const before = { tag: fake.count("/api.github.com/repos/acme/widget/releases/tags/v2.0.0"), sums: fake.count("/github.com/acme/widget/releases/download/v2.0.0/widget_2.0.0_checksums.txt") };
  const want: Record<PlatformKey, [string, Buffer]> = {
    "linux-x64": ["widget_2.0.0_linux_amd64.tar.gz", W2.linuxX64],
    "linux-arm64": ["widget_2.0.0_linux_arm64.tar.gz", W2.linuxArm64],
    "darwin-x64": ["widget_2.0.0_darwin_all.tar.gz", W2.mac],
    "darwin-arm64": ["widget_2.0.0_darwin_all.tar.gz", W2.mac],
  };
  for (const [platform, [name, bytes]] of Object.entries(want) as Array<[PlatformKey, [string, Buffer]]>) {
    const a = await widget.artifact({ http }, "v2.0.0", platform, {});
    assert.deepEqual(a, { url: `${DL}/v2.0.0/${name}`, format: "tar.gz", strip: "auto", size: bytes.length, sha256: sha256hex(bytes), checksum: "checksum-file" }, platform);
    assert.equal(widget.acceptsUrl("v2.0.0", platform, a.url, {}), true);
  }
  // Four platforms, one release request and one read of the checksums list.
  assert.equal(fake.count("/api.github.com/repos/acme/widget/releases/tags/v2.0.0") - before.tag, 1);
  assert.equal(fake.count("/github.com/acme/widget/releases/download/v2.0.0/widget_2.0.0_checksums.txt") - before.sums, 1);
  assert.equal(widget.acceptsUrl("v2.0.0", "linux-x64", `${DL}/v2.0.0/widget_2.0.0_linux_amd64.deb`, {}), false);
  assert.equal(widget.acceptsUrl("v2.0.0", "linux-x64", `${DL}/v2.0.0/widget_2.0.0_linux_arm64.tar.gz`, {}), false);
  assert.equal(widget.acceptsUrl("v2.0.0", "linux-x64", `https://github.com/other/widget/releases/download/v2.0.0/widget_2.0.0_linux_amd64.tar.gz`, {}), false);
  assert.equal(widget.acceptsUrl("v2.0.0", "linux-x64", `${DL}/v2.0.0/..%2Fwidget_2.0.0_linux_amd64.tar.gz`, {}), false);
});

test("artifact: GitHub's digest when the release publishes no checksums; a per-asset sidecar before it", async () => {
  const a = await widget.artifact({ http }, "v1.9.0", "linux-x64", {});
  assert.equal(a.url, `${DL}/v1.9.0/widget-1.9.0-x86_64-unknown-linux-musl.tar.gz`, "musl over gnu");
  assert.equal(a.sha256, sha256hex(W19));
  assert.equal(a.checksum, "digest");
  const raw = await widget.artifact({ http }, "v1.8.0", "linux-x64", {});
  assert.deepEqual(raw, { url: `${DL}/v1.8.0/widget_1.8.0_linux_amd64`, format: "raw", strip: 0, size: W18.length, sha256: sha256hex(W18), checksum: "checksum-file" });
});

test("artifact: nothing published (upload before digests, no checksum file) is ChecksumMissingError carrying the artifact", async () => {
  await assert.rejects(widget.artifact({ http }, "v1.7.0", "linux-x64", {}), (e: unknown) =>
    e instanceof ChecksumMissingError && e.code === "CHECKSUM_MISSING" && e.artifact.url === `${DL}/v1.7.0/widget_1.7.0_linux_amd64.tar.gz`
      && e.artifact.format === "tar.gz" && /publishes no sha256 for widget_1\.7\.0_linux_amd64\.tar\.gz/.test(e.message));
  await assert.rejects(widget.artifact({ http }, "v1.9.0", "darwin-arm64", {}), (e: unknown) => e instanceof DevenvError && e.code === "UNSUPPORTED_PLATFORM");
});

test("a checksums list contradicting GitHub's digest is refused", async () => {
  await assert.rejects(widget.artifact({ http }, "v1.6.0", "linux-x64", {}), (e: unknown) =>
    e instanceof DevenvError && e.code === "CHECKSUM_UNTRUSTED" && /checksums\.txt gives widget_1\.6\.0_linux_amd64\.tar\.gz the sha256 0{64}, GitHub's digest/.test(e.message));
});

test("hostile listings: an asset named with ../ refuses the release; a 5 MiB checksums file is refused unread", async () => {
  const evil = githubRecipe("tool", "evil/tool");
  await assert.rejects(evil.versions({ http }, {}), (e: unknown) => e instanceof DevenvError && e.code === "UNSAFE_ARCHIVE" && /"\.\.\/\.\.\/\.\.\/tool_linux_amd64\.tar\.gz"/.test(e.message));
  await assert.rejects(evil.artifact({ http }, "v1.0.0", "linux-x64", {}), (e: unknown) => e instanceof DevenvError && e.code === "UNSAFE_ARCHIVE");
  const big = githubRecipe("tool", "big/tool");
  await assert.rejects(big.artifact({ http }, "v1.0.0", "linux-x64", {}), (e: unknown) => e instanceof ChecksumDocError && /larger than the 4194304 bytes/.test(e.message));
  assert.throws(() => githubRecipe("x", "../etc"), /not a GitHub repository name/);
  await assert.rejects(widget.artifact({ http }, "../v1", "linux-x64", {}), /not a release tag/);
});

async function install(version: string, options: Record<string, unknown> = {}, recipe = widget) {
  const a = await recipe.artifact({ http }, version, "linux-x64", options);
  const store = join(mkdtempSync(join(tmpdir(), "devenv-gh-")), "store");
  return ensureInstalled(store, http, {
    name: recipe.name, version, platform: "linux-x64", source: `registry:${recipe.name}`, recipeRevision: recipe.revision,
    artifact: a, bin: recipe.bin("linux-x64", options), postInstall: (tree) => recipe.postInstall!(tree, "linux-x64", options, version),
  }, silentReporter);
}

test("install: .devenv-bin/<command> links the program (named like the tool, the one program-looking file, or a bare download)", async () => {
  const v2 = await install("v2.0.0");
  assert.deepEqual(v2.receipt.bin, [".devenv-bin"]);
  assert.equal(readlinkSync(join(v2.dir, ".devenv-bin/widget")), "../widget");
  assert.equal(execFileSync(join(v2.dir, ".devenv-bin/widget"), { encoding: "utf8" }), "widget 2.0.0\n");
  // 1.9.0's archive has wdg, not widget: the lone program-looking file at the top.
  const v19 = await install("v1.9.0");
  assert.equal(execFileSync(join(v19.dir, ".devenv-bin/wdg"), { encoding: "utf8" }), "wdg 1.9.0\n");
  assert.ok(!existsSync(join(v19.dir, ".devenv-bin/README.md")));
  const raw = await install("v1.8.0");
  assert.equal(readlinkSync(join(raw.dir, ".devenv-bin/widget")), "../bin/widget");
  assert.equal(execFileSync(join(raw.dir, ".devenv-bin/widget"), { encoding: "utf8" }), "widget 1.8.0 raw\n");
  // bin names a program the archive lacks: the install fails naming the files.
  await assert.rejects(install("v2.0.0", { bin: ["nope"] }), (e: unknown) => e instanceof DevenvError && /no program named 'nope'/.test(e.message) && /bin: \["widget"\]/.test(e.hint ?? ""));
});

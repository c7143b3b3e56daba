/**
 * The aqua evaluator on real entries of the registry snapshot (issue 17): the URLs, asset names,
 * files and checksum places it gives are the ones upstream publishes (asset names checked against
 * public install scripts and build files that download them; see the issue 17 report).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { parseAquaRegistry } from "../../src/recipes/sources/aqua/registry-file.js";
import { aquaPlatforms, renderPackage } from "../../src/recipes/sources/aqua/render.js";
import { type AquaPackage, aquaPackageName, AquaNoAssetError, AquaUnsupportedError } from "../../src/recipes/sources/aqua/types.js";
import { aquaTagOf, aquaVersionOf } from "../../src/recipes/sources/aqua/versions.js";

const registry = fileURLToPath(new URL("../../../test/fixtures/real/aqua-registry/registry.yaml", import.meta.url));
const packages = parseAquaRegistry(readFileSync(registry, "utf8"));
const entry = (name: string): AquaPackage => {
  const p = packages.find((x) => aquaPackageName(x) === name);
  assert.ok(p, `${name} is in the snapshot`);
  return p;
};
const gh = (repo: string, tag: string, asset: string) => `https://github.com/${repo}/releases/download/${tag}/${asset}`;

test("jq: version_prefix 'jq-'; 1.7.1 and 1.6 take different version_overrides (asset names, rosetta2, supported_envs)", () => {
  const jq = entry("jqlang/jq");
  assert.equal(aquaVersionOf(jq, "jq-1.7.1"), "1.7.1");
  assert.equal(aquaVersionOf(jq, "1.7.1"), undefined, "a tag without the prefix is not a jq version");
  assert.equal(aquaTagOf(jq, "1.7.1"), "jq-1.7.1");
  const at = (tag: string, platform: Parameters<typeof renderPackage>[2]) => renderPackage(jq, tag, platform);
  assert.deepEqual(at("jq-1.7.1", "linux-x64"), {
    package: "jqlang/jq", type: "github_release", version: "jq-1.7.1", repo: "jqlang/jq",
    asset: "jq-linux-amd64", url: gh("jqlang/jq", "jq-1.7.1", "jq-linux-amd64"), format: "raw", archive: "raw",
    files: [{ name: "jq", src: "jq-linux-amd64" }],
    checksum: { url: gh("jqlang/jq", "jq-1.7.1", "sha256sum.txt"), asset: "sha256sum.txt", algorithm: "sha256", fileFormat: "default", lookup: "jq-linux-amd64" },
  });
  assert.equal(at("jq-1.7.1", "linux-arm64").asset, "jq-linux-arm64");
  assert.equal(at("jq-1.7.1", "darwin-x64").asset, "jq-macos-amd64");
  assert.equal(at("jq-1.7.1", "darwin-arm64").asset, "jq-macos-arm64");
  // 1.6: "jq-linux64", "jq-osx-amd64" (macOS arm64 runs it under Rosetta 2), nothing for linux arm64, no checksum file.
  assert.equal(at("jq-1.6", "linux-x64").url, gh("jqlang/jq", "jq-1.6", "jq-linux64"));
  assert.equal(at("jq-1.6", "linux-x64").checksum, undefined);
  assert.equal(at("jq-1.6", "darwin-x64").asset, "jq-osx-amd64");
  assert.equal(at("jq-1.6", "darwin-arm64").asset, "jq-osx-amd64");
  assert.throws(() => at("jq-1.6", "linux-arm64"), (e: unknown) => e instanceof AquaNoAssetError && /jq-1\.6 has no linux-arm64 build: the registry lists only darwin, windows, amd64/.test(e.message));
  assert.deepEqual(aquaPlatforms(jq, "jq-1.6"), ["linux-x64", "darwin-x64", "darwin-arm64"]);
  assert.deepEqual(aquaPlatforms(jq, "jq-1.7.1"), ["linux-x64", "linux-arm64", "darwin-x64", "darwin-arm64"]);
  // 1.5rc2 is its own override (x86_64 names); 1.2 and older: no_asset.
  assert.equal(at("jq-1.5rc2", "linux-x64").asset, "jq-linux-x86_64");
  assert.throws(() => at("jq-1.2", "darwin-arm64"), (e: unknown) => e instanceof AquaNoAssetError && /no_asset/.test(e.message));
  assert.deepEqual(aquaPlatforms(jq, "jq-1.2"), []);
});

test("ripgrep 14.1.0: musl on linux x64, gnu on linux arm64, files in a top directory, one .sha256 per asset", () => {
  const rg = entry("BurntSushi/ripgrep");
  const triple = { "linux-x64": "x86_64-unknown-linux-musl", "linux-arm64": "aarch64-unknown-linux-gnu", "darwin-x64": "x86_64-apple-darwin", "darwin-arm64": "aarch64-apple-darwin" } as const;
  for (const [platform, t] of Object.entries(triple) as Array<[keyof typeof triple, string]>) {
    const r = renderPackage(rg, "14.1.0", platform);
    const asset = `ripgrep-14.1.0-${t}.tar.gz`;
    assert.equal(r.url, gh("BurntSushi/ripgrep", "14.1.0", asset));
    assert.equal(r.archive, "tar.gz");
    assert.deepEqual(r.files, [{ name: "rg", src: `ripgrep-14.1.0-${t}/rg` }]);
    assert.deepEqual(r.checksum, { url: gh("BurntSushi/ripgrep", "14.1.0", `${asset}.sha256`), asset: `${asset}.sha256`, algorithm: "sha256", fileFormat: "default", lookup: asset });
  }
  assert.equal(aquaVersionOf(rg, "14.1.0"), "14.1.0");
});

test("gh (cli/cli) v2.49.2: tar.gz on linux, zip named macOS on darwin, gh under bin/, one checksums file", () => {
  const cli = entry("cli/cli");
  assert.equal(aquaVersionOf(cli, "v2.49.2"), "v2.49.2", "no version_prefix: the tag is the version");
  const l = renderPackage(cli, "v2.49.2", "linux-arm64");
  assert.equal(l.url, gh("cli/cli", "v2.49.2", "gh_2.49.2_linux_arm64.tar.gz"));
  assert.deepEqual(l.files, [{ name: "gh", src: "gh_2.49.2_linux_arm64/bin/gh" }]);
  assert.equal(l.checksum?.url, gh("cli/cli", "v2.49.2", "gh_2.49.2_checksums.txt"));
  assert.equal(l.checksum?.lookup, "gh_2.49.2_linux_arm64.tar.gz");
  const d = renderPackage(cli, "v2.49.2", "darwin-arm64");
  assert.equal(d.url, gh("cli/cli", "v2.49.2", "gh_2.49.2_macOS_arm64.zip"));
  assert.equal(d.archive, "zip");
  assert.deepEqual(d.files, [{ name: "gh", src: "gh_2.49.2_macOS_arm64/bin/gh" }]);
});

test("kubectl (http): a raw binary from dl.k8s.io with a .sha256 beside it; version_filter drops pre-releases", () => {
  const k = entry("kubernetes/kubernetes/kubectl");
  const r = renderPackage(k, "v1.30.2", "darwin-arm64");
  assert.equal(r.type, "http");
  assert.equal(r.url, "https://dl.k8s.io/v1.30.2/bin/darwin/arm64/kubectl");
  assert.equal(r.archive, "raw");
  assert.deepEqual(r.files, [{ name: "kubectl", src: "kubectl" }]);
  assert.deepEqual(r.checksum, { url: "https://dl.k8s.io/v1.30.2/bin/darwin/arm64/kubectl.sha256", algorithm: "sha256", fileFormat: "default", lookup: "kubectl" });
  assert.ok(r.signatures?.cosign, "the cosign metadata is kept");
  assert.equal(aquaVersionOf(k, "v1.31.0-rc.1"), undefined);
  assert.equal(aquaVersionOf(k, "v1.31.0"), "v1.31.0");
  // 1.2.7 and older: amd64 only, darwin arm64 through Rosetta 2.
  assert.deepEqual(aquaPlatforms(k, "v1.2.7"), ["linux-x64", "darwin-x64", "darwin-arm64"]);
  assert.equal(renderPackage(k, "v1.2.7", "darwin-arm64").url, "https://dl.k8s.io/v1.2.7/bin/darwin/amd64/kubectl");
});

test("terraform (http): a zip from releases.hashicorp.com, looked up by name in SHA256SUMS; before 1.0.2 macOS arm64 takes the amd64 zip (rosetta2)", () => {
  const tf = entry("hashicorp/terraform");
  const r = renderPackage(tf, "v1.9.5", "linux-x64");
  assert.equal(r.url, "https://releases.hashicorp.com/terraform/1.9.5/terraform_1.9.5_linux_amd64.zip");
  assert.equal(r.archive, "zip");
  assert.deepEqual(r.files, [{ name: "terraform", src: "terraform" }]);
  assert.deepEqual(r.checksum, { url: "https://releases.hashicorp.com/terraform/1.9.5/terraform_1.9.5_SHA256SUMS", algorithm: "sha256", fileFormat: "default", lookup: "terraform_1.9.5_linux_amd64.zip" });
  assert.equal(renderPackage(tf, "v1.9.5", "darwin-arm64").url, "https://releases.hashicorp.com/terraform/1.9.5/terraform_1.9.5_darwin_arm64.zip");
  assert.equal(renderPackage(tf, "v1.0.1", "darwin-arm64").url, "https://releases.hashicorp.com/terraform/1.0.1/terraform_1.0.1_darwin_amd64.zip");
  assert.equal(renderPackage(tf, "v1.0.1", "darwin-arm64").checksum?.lookup, "terraform_1.0.1_darwin_amd64.zip");
});

test("yq: raw binaries, sha512 read from checksums-bsd with the entry's regexp", () => {
  const r = renderPackage(entry("mikefarah/yq"), "v4.44.3", "linux-x64");
  assert.equal(r.url, gh("mikefarah/yq", "v4.44.3", "yq_linux_amd64"));
  assert.deepEqual(r.files, [{ name: "yq", src: "yq_linux_amd64" }]);
  assert.deepEqual(r.checksum, {
    url: gh("mikefarah/yq", "v4.44.3", "checksums-bsd"), asset: "checksums-bsd", algorithm: "sha512", fileFormat: "regexp", lookup: "yq_linux_amd64",
    pattern: { checksum: "^SHA512\\s+\\([^)]+\\)\\s+=\\s+([A-Fa-f0-9]{128})$", file: "^SHA512\\s+\\(([^)]+)\\)\\s+=\\s+[A-Fa-f0-9]{128}$" },
  });
});

test("fd, fzf, shellcheck: tag with and without v, zip on macOS, tar.xz, rosetta2 for shellcheck 0.9.0 on Apple silicon", () => {
  const fd = renderPackage(entry("sharkdp/fd"), "v10.2.0", "linux-arm64");
  assert.equal(fd.url, gh("sharkdp/fd", "v10.2.0", "fd-v10.2.0-aarch64-unknown-linux-musl.tar.gz"));
  assert.deepEqual(fd.files, [{ name: "fd", src: "fd-v10.2.0-aarch64-unknown-linux-musl/fd" }]);
  const fzf = entry("junegunn/fzf");
  assert.equal(renderPackage(fzf, "0.53.0", "darwin-arm64").url, gh("junegunn/fzf", "0.53.0", "fzf-0.53.0-darwin_arm64.zip"));
  assert.equal(renderPackage(fzf, "v0.54.1", "linux-x64").url, gh("junegunn/fzf", "v0.54.1", "fzf-0.54.1-linux_amd64.tar.gz"));
  assert.equal(renderPackage(fzf, "0.53.0", "linux-x64").checksum?.url, gh("junegunn/fzf", "0.53.0", "fzf_0.53.0_checksums.txt"));
  assert.deepEqual(renderPackage(fzf, "0.53.0", "linux-x64").files, [{ name: "fzf", src: "fzf" }]);
  const sc = entry("koalaman/shellcheck");
  assert.equal(renderPackage(sc, "v0.9.0", "linux-arm64").url, gh("koalaman/shellcheck", "v0.9.0", "shellcheck-v0.9.0.linux.aarch64.tar.xz"));
  const mac = renderPackage(sc, "v0.9.0", "darwin-arm64");
  assert.equal(mac.url, gh("koalaman/shellcheck", "v0.9.0", "shellcheck-v0.9.0.darwin.x86_64.tar.xz"));
  assert.equal(mac.archive, "tar.xz");
  assert.deepEqual(mac.files, [{ name: "shellcheck", src: "shellcheck-v0.9.0/shellcheck" }]);
});

test("github_archive (tfenv) and github_content (semver-tool, wait-for-it)", () => {
  const tfenv = renderPackage(entry("tfutils/tfenv"), "v3.0.0", "darwin-arm64");
  assert.equal(tfenv.type, "github_archive");
  assert.equal(tfenv.url, "https://github.com/tfutils/tfenv/archive/refs/tags/v3.0.0.tar.gz");
  assert.equal(tfenv.archive, "tar.gz");
  assert.deepEqual(tfenv.files, [{ name: "tfenv", src: "tfenv-3.0.0/bin/tfenv" }, { name: "terraform", src: "tfenv-3.0.0/bin/terraform" }]);
  const semverTool = renderPackage(entry("fsaintjacques/semver-tool"), "3.4.0", "linux-x64");
  assert.equal(semverTool.url, "https://raw.githubusercontent.com/fsaintjacques/semver-tool/3.4.0/src/semver");
  assert.equal(semverTool.archive, "raw");
  assert.deepEqual(semverTool.files, [{ name: "semver", src: "semver" }]);
  const commit = "81b1373f17855a4dc21156cfe1694c31d7d1792e";
  const wait = renderPackage(entry("vishnubob/wait-for-it"), commit, "linux-x64");
  assert.equal(wait.url, `https://raw.githubusercontent.com/vishnubob/wait-for-it/${commit}/wait-for-it.sh`);
  assert.deepEqual(wait.files, [{ name: "wait-for-it", src: "wait-for-it.sh" }], "aqua's default command is the repo name; the file is the download itself");
});

test("go_install and other types are refused naming the type", () => {
  const godoc = entry("golang/tools/godoc");
  assert.throws(() => renderPackage(godoc, "v0.1.0", "linux-x64"), (e: unknown) => e instanceof AquaUnsupportedError && /golang\/tools\/godoc: the aqua registry entry uses type go_install, which devenv does not support/.test(e.message));
});

/**
 * Picking the asset per platform for `github:owner/repo` (issue 17 part 4) over real release asset
 * lists: twelve complete lists collected by octoconda's tests (zoxide, atuin, asm-lsp,
 * cargo-binstall, bottom, jjui, caligula, neovim old and new, shellcheck, glsl_analyzer, lazygit),
 * Kitware/CMake's releases JSON, python-build-standalone's 20241016 names, riscv-collab's nightly
 * names, and the assets hermit-packages locks for ripgrep, gh, fzf, uv, zellij, jq, yq, just, age.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { assetTraits, formatOfAsset } from "../../src/recipes/sources/asset-traits.js";
import { AssetPickError, assetFits, assetPattern, pickAsset } from "../../src/recipes/sources/github-pick.js";
import type { PlatformKey } from "../../src/recipes/types.js";
import { repoRoot } from "../helpers/cli.js";

const real = (f: string) => readFileSync(join(repoRoot, "test/fixtures/real", f), "utf8");
const P: PlatformKey[] = ["linux-x64", "linux-arm64", "darwin-x64", "darwin-arm64"];

/** `# owner/repo (key)` headers, then names. */
function groups(text: string): Map<string, { repo: string; names: string[] }> {
  const out = new Map<string, { repo: string; names: string[] }>();
  let cur: { repo: string; names: string[] } | undefined;
  for (const line of text.split("\n")) {
    const h = /^# (\S+)\s+\((\w+)\)/.exec(line);
    if (h) out.set(h[2]!, (cur = { repo: h[1]!, names: [] }));
    else if (line.trim() && cur) cur.names.push(line.trim());
  }
  return out;
}

const pickAll = (repo: string, names: string[], o: { asset?: string; bin?: string[] } = {}) =>
  P.map((p) => {
    try {
      return pickAsset(names, p, { repo, ...o }).name;
    } catch (e) {
      assert.ok(e instanceof AssetPickError, String(e));
      return null;
    }
  });

test("octoconda's real asset lists: one asset per platform, musl over gnu, the CPU named over universal, plain over .full", () => {
  const g = groups(real("octoconda-asset-names.txt"));
  const want: Record<string, Array<string | null>> = {
    zoxide: ["zoxide-0.9.8-x86_64-unknown-linux-musl.tar.gz", "zoxide-0.9.8-aarch64-unknown-linux-musl.tar.gz", "zoxide-0.9.8-x86_64-apple-darwin.tar.gz", "zoxide-0.9.8-aarch64-apple-darwin.tar.gz"],
    // cargo-dist: -update programs, .sha256 sidecars, installer, source, dist-manifest.json all passed over.
    atuin: ["atuin-x86_64-unknown-linux-musl.tar.gz", "atuin-aarch64-unknown-linux-musl.tar.gz", "atuin-x86_64-apple-darwin.tar.gz", "atuin-aarch64-apple-darwin.tar.gz"],
    asm_lsp: ["asm-lsp-x86_64-unknown-linux-gnu.tar.gz", null, "asm-lsp-x86_64-apple-darwin.tar.gz", "asm-lsp-aarch64-apple-darwin.tar.gz"],
    cargo_binstall: ["cargo-binstall-x86_64-unknown-linux-musl.tgz", "cargo-binstall-aarch64-unknown-linux-musl.tgz", "cargo-binstall-x86_64-apple-darwin.zip", "cargo-binstall-aarch64-apple-darwin.zip"],
    bottom: ["bottom_x86_64-unknown-linux-musl.tar.gz", "bottom_aarch64-unknown-linux-musl.tar.gz", "bottom_x86_64-apple-darwin.tar.gz", "bottom_aarch64-apple-darwin.tar.gz"],
    jjui: ["jjui-0.9.6-linux-amd64.zip", "jjui-0.9.6-linux-arm64.zip", "jjui-0.9.6-darwin-amd64.zip", "jjui-0.9.6-darwin-arm64.zip"],
    caligula: ["caligula-x86_64-linux", "caligula-aarch64-linux", "caligula-x86_64-darwin", "caligula-aarch64-darwin"],
    neovim: ["nvim-linux-x86_64.tar.gz", "nvim-linux-arm64.tar.gz", "nvim-macos-x86_64.tar.gz", "nvim-macos-arm64.tar.gz"],
    // Before 0.10: linux64 is x86_64, the one macOS tarball (no CPU named) serves both Macs, no arm64 Linux.
    neovim_old: ["nvim-linux64.tar.gz", null, "nvim-macos.tar.gz", "nvim-macos.tar.gz"],
    shellcheck: ["shellcheck-v0.11.0.linux.x86_64.tar.xz", "shellcheck-v0.11.0.linux.aarch64.tar.xz", "shellcheck-v0.11.0.darwin.x86_64.tar.xz", "shellcheck-v0.11.0.darwin.aarch64.tar.xz"],
    glsl_analyzer: ["x86_64-linux-musl.zip", "aarch64-linux-musl.zip", "x86_64-macos.zip", "aarch64-macos.zip"],
    lazygit: ["lazygit_0.52.0_Linux_x86_64.tar.gz", "lazygit_0.52.0_Linux_arm64.tar.gz", "lazygit_0.52.0_Darwin_x86_64.tar.gz", "lazygit_0.52.0_Darwin_arm64.tar.gz"],
  };
  assert.deepEqual([...g.keys()].sort(), Object.keys(want).sort());
  for (const [key, { repo, names }] of g) assert.deepEqual(pickAll(repo, names), want[key], key);
});

test("the picks hermit-packages locked (real names of ripgrep, gh, fzf, uv, zellij, jq, yq, just, age) are devenv's picks too", () => {
  const byRelease = new Map<string, string[]>();
  for (const line of real("hermit-github-asset-urls.txt").split("\n")) {
    const m = /^[0-9a-f]{64}  https:\/\/github\.com\/([^/]+\/[^/]+)\/releases\/download\/([^/]+)\/(.+)$/.exec(line);
    if (m) byRelease.set(`${m[1]}@${m[2]}`, [...(byRelease.get(`${m[1]}@${m[2]}`) ?? []), m[3]!]);
  }
  assert.equal(byRelease.size, 9);
  for (const [key, names] of byRelease) {
    const repo = key.split("@")[0]!;
    const picks = pickAll(repo, names);
    assert.equal(new Set(picks).size, 4, `${key}: four different assets (${picks.join(", ")})`);
    for (const [i, p] of P.entries()) {
      const t = assetTraits(picks[i]!);
      assert.equal(t.os, p.startsWith("linux") ? "linux" : "darwin", `${key} ${p}`);
      assert.equal(t.arch, p.endsWith("x64") ? "x64" : "arm64", `${key} ${p}`);
    }
  }
  const jq = byRelease.get("jqlang/jq@jq-1.8.2")!;
  assert.deepEqual(pickAll("jqlang/jq", jq), ["jq-linux-amd64", "jq-linux-arm64", "jq-macos-amd64", "jq-macos-arm64"]);
  assert.equal(pickAsset(jq, "linux-x64", { repo: "jqlang/jq" }).format, "raw");
  // zellij: the plain build is named like the repository; `zellij-no-web` needs the asset option.
  const zellij = ["zellij-x86_64-unknown-linux-musl.tar.gz", ...byRelease.get("zellij-org/zellij@v0.45.0")!];
  assert.equal(pickAsset(zellij, "linux-x64", { repo: "zellij-org/zellij" }).name, "zellij-x86_64-unknown-linux-musl.tar.gz");
  assert.equal(pickAsset(zellij, "linux-x64", { repo: "zellij-org/zellij", asset: "zellij-no-web-*" }).name, "zellij-no-web-x86_64-unknown-linux-musl.tar.gz");
});

test("Kitware/CMake's real releases JSON: Linux and Darwin x86_64 tarballs; no arm64 build, said with the candidates", () => {
  const releases = JSON.parse(real("cmake-gh-releases.json")) as Array<{ tag_name: string; assets: Array<{ name: string }> }>;
  const names = releases.find((r) => r.tag_name === "v3.16.2")!.assets.map((a) => a.name);
  assert.deepEqual(pickAll("Kitware/CMake", names), ["cmake-3.16.2-Linux-x86_64.tar.gz", null, "cmake-3.16.2-Darwin-x86_64.tar.gz", null]);
  assert.throws(() => pickAsset(names, "darwin-arm64", { repo: "Kitware/CMake" }), (e: unknown) =>
    e instanceof AssetPickError && /no asset is a darwin-arm64 build/.test(e.message) && /cmake-3\.16\.2-Darwin-x86_64\.tar\.gz/.test(e.hint ?? "") && !/SHA-256/.test(e.hint ?? ""));
  for (const n of ["cmake-3.16.2-Darwin-x86_64.dmg", "cmake-3.16.2-Linux-x86_64.sh", "cmake-3.16.2-SHA-256.txt", "cmake-3.16.2-SHA-256.txt.asc", "cmake-3.16.2-win64-x64.msi"]) {
    assert.ok(assetTraits(n).skip, n);
  }
});

test("python-build-standalone 20241016 (real names): install_only over stripped/debug/lto, tar.gz over tar.zst; the asset option narrows", () => {
  const names = real("pbs-20241016-asset-names.excerpt.txt").split("\n").filter((l) => l && !l.startsWith("#"));
  const o = { repo: "astral-sh/python-build-standalone" };
  assert.equal(pickAsset(names, "linux-arm64", o).name, "cpython-3.12.7+20241016-aarch64-unknown-linux-gnu-install_only.tar.gz");
  assert.equal(pickAsset(names, "darwin-arm64", o).name, "cpython-3.12.7+20241016-aarch64-apple-darwin-install_only.tar.gz");
  assert.equal(pickAsset(names, "linux-x64", o).name, "cpython-3.12.7+20241016-x86_64-unknown-linux-musl-install_only.tar.gz", "musl preferred");
  assert.equal(pickAsset(names, "linux-x64", { ...o, asset: "cpython-3.12.7+*-{arch}-unknown-{os}-gnu-install_only.tar.gz" }).name,
    "cpython-3.12.7+20241016-x86_64-unknown-linux-gnu-install_only.tar.gz");
});

test("riscv-collab nightlies (real names): the host CPU is not in the name, so nothing fits; an asset pattern naming one file picks it", () => {
  const names = real("riscv-collab-asset-names.txt").split("\n").filter((l) => l.startsWith("https://")).map((u) => u.slice(u.lastIndexOf("/") + 1));
  const o = { repo: "riscv-collab/riscv-gnu-toolchain" };
  assert.throws(() => pickAsset(names, "linux-x64", o), AssetPickError);
  assert.equal(pickAsset(names, "linux-x64", { ...o, asset: "riscv64-glibc-ubuntu-24.04-gcc.tar.xz" }).name, "riscv64-glibc-ubuntu-24.04-gcc.tar.xz");
});

test("universal macOS builds serve both Macs after a build for the very CPU; darwin_all (goreleaser) too", () => {
  const names = ["tool-linux-amd64.tar.gz", "tool-darwin-universal.tar.gz", "tool-darwin-arm64.tar.gz"];
  assert.deepEqual(pickAll("x/tool", names), ["tool-linux-amd64.tar.gz", null, "tool-darwin-universal.tar.gz", "tool-darwin-arm64.tar.gz"]);
  const deck = ["deck_v1.29.2_darwin_all.tar.gz", "deck_v1.29.2_linux_amd64.tar.gz", "deck_v1.29.2_linux_arm64.tar.gz", "deck_v1.29.2_amd64.deb", "deck_v1.29.2_freebsd_amd64.tar.gz", "checksums.txt"];
  assert.deepEqual(pickAll("Kong/deck", deck), ["deck_v1.29.2_linux_amd64.tar.gz", "deck_v1.29.2_linux_arm64.tar.gz", "deck_v1.29.2_darwin_all.tar.gz", "deck_v1.29.2_darwin_all.tar.gz"]);
});

test("two assets that fit equally are an error naming both, with an asset pattern to choose", () => {
  const names = ["tool-linux-amd64.tar.gz", "other-linux-amd64.tar.gz"];
  assert.throws(() => pickAsset(names, "linux-x64", { repo: "x/thing" }), (e: unknown) =>
    e instanceof AssetPickError && /2 assets fit linux-x64 equally well: other-linux-amd64\.tar\.gz, tool-linux-amd64\.tar\.gz/.test(e.message)
      && /asset: "other-\{os\}-\{arch\}\.tar\.gz"/.test(e.hint ?? "") && e.candidates.length === 2);
  assert.equal(pickAsset(names, "linux-x64", { repo: "x/tool" }).name, "tool-linux-amd64.tar.gz", "the repository's name decides");
  assert.equal(pickAsset(names, "linux-x64", { repo: "x/thing", bin: ["other"] }).name, "other-linux-amd64.tar.gz", "a bin name decides");
  assert.equal(pickAsset(names, "linux-x64", { repo: "x/thing", asset: "tool-{os}-{arch}.tar.gz" }).name, "tool-linux-amd64.tar.gz");
  assert.throws(() => pickAsset([], "linux-x64", { repo: "x/thing" }), /no asset is a linux-x64 build/);
  assert.throws(() => pickAsset(names, "linux-x64", { repo: "x/thing", asset: "nope-*" }), /no asset matching "nope-\*" is a linux-x64 build/);
});

test("asset names that are no program build", () => {
  for (const n of ["tool_1.0_checksums.txt", "checksums.txt.sig", "tool-linux-amd64.tar.gz.sha256", "tool-linux-amd64.tar.gz.sha256sum", "tool.pem", "tool-linux-amd64.sbom.json",
    "tool_1.0_linux_amd64.deb", "tool-1.0.x86_64.rpm", "tool-x64.msi", "tool-darwin.pkg", "tool-mac.dmg", "tool-linux-x86_64.AppImage", "tool-1.0-src.tar.gz",
    "tool-linux-amd64-debug.tar.gz", "tool-linux-amd64.tar.bz2", "tool-linux-amd64.gz", "Tool.app.zip", "completions.tar.gz", "tool-installer.sh"]) {
    assert.ok(assetTraits(n).skip, n);
  }
  assert.equal(formatOfAsset("tool.linux.x86_64"), "raw");
  assert.equal(formatOfAsset("shfmt_v3.7.0_linux_amd64"), "raw");
  assert.equal(formatOfAsset("tool-1.0-linux-amd64.tgz"), "tar.gz");
  assert.equal(formatOfAsset("tool.txz"), "tar.xz");
  assert.equal(formatOfAsset("tool.tar.zst"), "tar.zst");
  assert.equal(formatOfAsset("tool.weird"), undefined);
});

test("assetFits (acceptsUrl's test) and the {os}/{arch} glob", () => {
  assert.equal(assetFits("ripgrep-15.2.0-x86_64-unknown-linux-musl.tar.gz", "linux-x64", { repo: "BurntSushi/ripgrep" }), true);
  assert.equal(assetFits("ripgrep-15.2.0-x86_64-unknown-linux-musl.tar.gz", "linux-arm64", { repo: "BurntSushi/ripgrep" }), false);
  assert.equal(assetFits("ripgrep-15.2.0-x86_64-unknown-linux-musl.tar.gz.sha256", "linux-x64", { repo: "BurntSushi/ripgrep" }), false);
  assert.equal(assetFits("ripgrep-15.2.0-x86_64-unknown-linux-musl.tar.gz", "linux-x64", { repo: "BurntSushi/ripgrep", asset: "*-gnu.tar.gz" }), false);
  const re = assetPattern("gh_*_{os}_{arch}.zip", "darwin-arm64");
  assert.equal(re.test("gh_2.97.0_macOS_arm64.zip"), true);
  assert.equal(re.test("gh_2.97.0_macOS_amd64.zip"), false);
  assert.equal(re.test("gh_2.97.0_linux_arm64.zip"), false);
});

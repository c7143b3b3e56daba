/**
 * `github:` commands after unpacking (linkCommands): `.devenv-bin/<command>` symlinks into a real
 * directory tree laid out as the real archives are (gh's bin/gh beside share/, ripgrep's rg beside
 * docs, yq's yq_linux_amd64 beside its man page, uv's uv and uvx), made executable.
 */
import assert from "node:assert/strict";
import { chmodSync, mkdirSync, mkdtempSync, readlinkSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { DevenvError } from "../../src/errors.js";
import { GITHUB_BIN_DIR, linkCommands } from "../../src/recipes/sources/github-bin.js";
import { DirInstallTree } from "../../src/store/install-tree.js";

function tree(files: Record<string, number>): { root: string; t: DirInstallTree } {
  const root = mkdtempSync(join(tmpdir(), "devenv-link-"));
  for (const [rel, mode] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), `#!/bin/sh\necho ${rel}\n`);
    chmodSync(join(root, rel), mode);
  }
  return { root, t: new DirInstallTree(root, root, "test") };
}
const link = (root: string, cmd: string) => readlinkSync(join(root, GITHUB_BIN_DIR, cmd));

test("a program named like the tool: the shallowest one (gh's bin/gh, not share/…/gh)", () => {
  const { root, t } = tree({ "bin/gh": 0o755, "share/man/man1/gh.1": 0o644, "share/zsh/site-functions/gh": 0o644, LICENSE: 0o644 });
  linkCommands(t, "gh", "cli/cli", undefined);
  assert.equal(link(root, "gh"), "../bin/gh");
});

test("nothing named like the tool: the one program-looking file (ripgrep's rg), under its own name", () => {
  const { root, t } = tree({ rg: 0o755, "README.md": 0o644, COPYING: 0o644, "LICENSE-MIT": 0o644, UNLICENSE: 0o644, "complete/_rg": 0o644, "doc/rg.1": 0o644 });
  linkCommands(t, "ripgrep", "BurntSushi/ripgrep", undefined);
  assert.equal(link(root, "rg"), "../rg");
});

test("yq's tarball: yq_linux_amd64 is linked as yq", () => {
  const { root, t } = tree({ yq_linux_amd64: 0o755, "yq.1": 0o644, "install-man-page.sh": 0o755 });
  linkCommands(t, "yq", "mikefarah/yq", undefined);
  assert.equal(link(root, "yq"), "../yq_linux_amd64");
});

test("bin names every command (uv and uvx); a zip's file without modes is made executable", () => {
  const { root, t } = tree({ "uv-x86_64-unknown-linux-musl/uv": 0o644, "uv-x86_64-unknown-linux-musl/uvx": 0o644 });
  linkCommands(t, "uv", "astral-sh/uv", ["uv", "uvx"]);
  assert.equal(link(root, "uvx"), "../uv-x86_64-unknown-linux-musl/uvx");
  assert.equal(statSync(join(root, "uv-x86_64-unknown-linux-musl/uvx")).mode & 0o777, 0o755);
});

test("several program-looking files and none named like the tool: an error naming them and the bin option", () => {
  const { t } = tree({ foo: 0o755, bar: 0o755, "README.md": 0o644 });
  assert.throws(() => linkCommands(t, "tool", "x/tool", undefined), (e: unknown) =>
    e instanceof DevenvError && /several candidates \(bar, foo\)/.test(e.message) && /bin: \["bar"\]/.test(e.hint ?? ""));
});

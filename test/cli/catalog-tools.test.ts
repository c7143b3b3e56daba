/**
 * Issue 17's "done when": 15 popular tools of the aqua registry (the real snapshot), each added by
 * name, locked for all four platforms with the asset their project really publishes for each and the
 * checksum from the right place, installed on this machine and run. The fake serves each tool's real
 * asset names and checksum documents in their real formats (test/support/upstreams/catalog-tools.ts).
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { assertOk, type Sandbox } from "../helpers/cli.js";
import { seedCatalog } from "../support/catalog-cache.js";
import { startFakeUpstream } from "../support/fake-upstream.js";
import { projectSandboxes } from "../support/project-sandbox.js";
import { catalogData } from "../support/upstreams/catalog-tools.js";
import { useFakeUpstream } from "../support/use-fake-upstream.js";

const fake = useFakeUpstream({ catalog: true });
const fresh = projectSandboxes(() => fake.mirrors);
const ALL4 = `platforms: ["linux-x64", "linux-arm64", "darwin-x64", "darwin-arm64"],`;
const project = (tools = "") => `import { defineConfig } from "devenv";\nexport default defineConfig({\n  ${ALL4}\n  tools: {${tools}},\n});\n`;
const lockOf = (sb: Sandbox) => JSON.parse(readFileSync(join(sb.project, "devenv.lock"), "utf8")) as {
  tools: Record<string, { version: string; source: string; catalog?: { package: string }; platforms: Record<string, { url: string; sha256?: string; integrity?: string; checksum: string; format: string }> }>;
};

type Platform = "linux-x64" | "linux-arm64" | "darwin-x64" | "darwin-arm64";
interface Expected {
  version: string;
  /** The asset (last URL segment) each platform gets, as the project publishes it. */
  assets: Record<Platform, string>;
  /** Where the sha256 comes from: the tool's checksum document, GitHub's digest, or nowhere (first download). */
  checksum: "checksum-file" | "digest" | "first-download";
  /** The URL's start (for http tools: their own download host). */
  base?: string;
}
const p4 = (l64: string, la64: string, d64: string, da64: string): Record<Platform, string> =>
  ({ "linux-x64": l64, "linux-arm64": la64, "darwin-x64": d64, "darwin-arm64": da64 });

/** Newest release of each tool in the fake; names checked against the projects' real release pages. */
const EXPECTED: Record<string, Expected> = {
  // Raw binaries, version_prefix "jq-", sha256sum.txt.
  jq: { version: "1.8.1", checksum: "checksum-file", assets: p4("jq-linux-amd64", "jq-linux-arm64", "jq-macos-amd64", "jq-macos-arm64") },
  // tar.gz with a subdir; a .sha256 file per asset; musl on x64, gnu on arm64 (the registry's choice).
  ripgrep: { version: "15.1.0", checksum: "checksum-file", assets: p4("ripgrep-15.1.0-x86_64-unknown-linux-musl.tar.gz", "ripgrep-15.1.0-aarch64-unknown-linux-gnu.tar.gz", "ripgrep-15.1.0-x86_64-apple-darwin.tar.gz", "ripgrep-15.1.0-aarch64-apple-darwin.tar.gz") },
  // tar.gz on Linux, zip on macOS (format_overrides), gh_<v>_checksums.txt.
  gh: { version: "v2.45.0", checksum: "checksum-file", assets: p4("gh_2.45.0_linux_amd64.tar.gz", "gh_2.45.0_linux_arm64.tar.gz", "gh_2.45.0_macOS_amd64.zip", "gh_2.45.0_macOS_arm64.zip") },
  fzf: { version: "0.53.0", checksum: "checksum-file", assets: p4("fzf-0.53.0-linux_amd64.tar.gz", "fzf-0.53.0-linux_arm64.tar.gz", "fzf-0.53.0-darwin_amd64.zip", "fzf-0.53.0-darwin_arm64.zip") },
  // No checksum published and uploaded before GitHub kept digests: only the first-download opt-in.
  fd: { version: "v10.2.0", checksum: "first-download", assets: p4("fd-v10.2.0-x86_64-unknown-linux-musl.tar.gz", "fd-v10.2.0-aarch64-unknown-linux-musl.tar.gz", "fd-v10.2.0-x86_64-apple-darwin.tar.gz", "fd-v10.2.0-aarch64-apple-darwin.tar.gz") },
  // Raw binaries; `checksums-bsd` (BSD-style SHA512 lines) read with the entry's regexp: locked as a sha512 integrity.
  yq: { version: "v4.47.1", checksum: "checksum-file", assets: p4("yq_linux_amd64", "yq_linux_arm64", "yq_darwin_amd64", "yq_darwin_arm64") },
  // tar.xz, no checksum file; uploaded after 2025-06-03, so GitHub's digest.
  shellcheck: { version: "v0.11.0", checksum: "digest", assets: p4("shellcheck-v0.11.0.linux.x86_64.tar.xz", "shellcheck-v0.11.0.linux.aarch64.tar.xz", "shellcheck-v0.11.0.darwin.x86_64.tar.xz", "shellcheck-v0.11.0.darwin.aarch64.tar.xz") },
  just: { version: "1.36.0", checksum: "first-download", assets: p4("just-1.36.0-x86_64-unknown-linux-musl.tar.gz", "just-1.36.0-aarch64-unknown-linux-musl.tar.gz", "just-1.36.0-x86_64-apple-darwin.tar.gz", "just-1.36.0-aarch64-apple-darwin.tar.gz") },
  "golangci-lint": { version: "v2.1.6", checksum: "checksum-file", assets: p4("golangci-lint-2.1.6-linux-amd64.tar.gz", "golangci-lint-2.1.6-linux-arm64.tar.gz", "golangci-lint-2.1.6-darwin-amd64.tar.gz", "golangci-lint-2.1.6-darwin-arm64.tar.gz") },
  // Raw binaries with a .sha256 per asset.
  hadolint: { version: "v2.14.0", checksum: "checksum-file", assets: p4("hadolint-linux-x86_64", "hadolint-linux-arm64", "hadolint-macos-x86_64", "hadolint-macos-arm64") },
  // Asset names without the version.
  task: { version: "v3.44.0", checksum: "checksum-file", assets: p4("task_linux_amd64.tar.gz", "task_linux_arm64.tar.gz", "task_darwin_amd64.tar.gz", "task_darwin_arm64.tar.gz") },
  lazygit: { version: "v0.43.1", checksum: "checksum-file", assets: p4("lazygit_0.43.1_Linux_x86_64.tar.gz", "lazygit_0.43.1_Linux_arm64.tar.gz", "lazygit_0.43.1_Darwin_x86_64.tar.gz", "lazygit_0.43.1_Darwin_arm64.tar.gz") },
  // http type: dl.k8s.io with a .sha256 per file.
  kubectl: { version: "v1.33.0", checksum: "checksum-file", base: "https://dl.k8s.io/v1.33.0/bin/", assets: p4("kubectl", "kubectl", "kubectl", "kubectl") },
  // http type: releases.hashicorp.com zips and SHA256SUMS.
  terraform: { version: "v1.9.5", checksum: "checksum-file", base: "https://releases.hashicorp.com/terraform/1.9.5/", assets: p4("terraform_1.9.5_linux_amd64.zip", "terraform_1.9.5_linux_arm64.zip", "terraform_1.9.5_darwin_amd64.zip", "terraform_1.9.5_darwin_arm64.zip") },
  // http type: get.helm.sh with a .sha256sum per file.
  helm: { version: "v3.16.2", checksum: "checksum-file", base: "https://get.helm.sh/", assets: p4("helm-v3.16.2-linux-amd64.tar.gz", "helm-v3.16.2-linux-arm64.tar.gz", "helm-v3.16.2-darwin-amd64.tar.gz", "helm-v3.16.2-darwin-arm64.tar.gz") },
};
const NAMES = Object.keys(EXPECTED);
const urlPath = (u: string) => u.slice(u.lastIndexOf("/") + 1);

test("15 catalogue tools added by name lock the right asset for four platforms, install here and run", async () => {
  const sb = await fresh(project());
  await seedCatalog(sb.home);
  // fd and just publish no checksum and predate GitHub's digests: locked only with the opt-in.
  assertOk(await sb.run(["add", ...NAMES, "--trust-first-download"], { timeoutMs: 120_000 }));
  const lock = lockOf(sb);
  const data = new Map(catalogData().map((d) => [d.id, d]));
  for (const name of NAMES) {
    const e = lock.tools[name]!;
    const want = EXPECTED[name]!;
    assert.ok(e, `${name} is locked`);
    assert.equal(e.version, want.version, name);
    assert.equal(e.source, `aqua:${data.get(name)!.aqua}`, name);
    for (const [platform, asset] of Object.entries(want.assets)) {
      const a = e.platforms[platform];
      assert.ok(a, `${name} has ${platform}`);
      assert.equal(urlPath(a.url), asset, `${name} ${platform}`);
      if (want.base) assert.ok(a.url.startsWith(want.base), `${name} ${platform}: ${a.url}`);
      else assert.ok(a.url.startsWith(`https://github.com/${data.get(name)!.repo}/releases/download/${data.get(name)!.releases.at(-1)!.tag}/`), a.url);
      assert.equal(a.checksum, want.checksum, `${name} ${platform} checksum from`);
      assert.equal(a.integrity !== undefined, name === "yq", `${name} ${platform}: a sha512 integrity only where the document is sha512`);
    }
  }
  // Each runs from the project, at its version (one shell for all: one exec).
  const script = NAMES.map((n) => `echo "${n}: $(${data.get(n)!.bin} --version | tr '\\n' ' ')"`).join("; ");
  const r = await sb.run(["exec", "--", "sh", "-c", script]);
  assertOk(r);
  const lines = new Map(r.stdout.trim().split("\n").map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 2)]));
  for (const name of NAMES) {
    assert.ok(lines.get(name)?.includes(EXPECTED[name]!.version.replace(/^v/, "")), `${name} --version: ${lines.get(name)}`);
  }
});

test("the locked sha256 is the one each project really published, read from its own checksum document", async () => {
  // The fake's checksum documents carry the real published values (hermit-packages pins and others):
  // a lock-only run (nothing installed: the bytes served are the fake's own).
  const real = await startFakeUpstream({ catalog: { realChecksums: true, realDigests: true } });
  try {
    const sb = await fresh(project(), { mirrors: real.mirrors });
    await seedCatalog(sb.home);
    const names = NAMES.filter((n) => EXPECTED[n]!.checksum !== "first-download");
    assertOk(await sb.run(["add", "--no-install", ...names], { timeoutMs: 120_000 }));
    const lock = lockOf(sb);
    let compared = 0;
    for (const d of catalogData().filter((t) => names.includes(t.id))) {
      const release = d.releases.at(-1)!;
      for (const [platform, a] of Object.entries(lock.tools[d.id]!.platforms)) {
        const known = release.sha256[urlPath(a.url)] ?? release.sha256[a.url.slice(a.url.indexOf("/", 8) + 1)] ?? release.sha256[a.url.replace(/^https:\/\/[^/]+\//, "")];
        // yq's checksum document is sha512 (locked as an integrity); the published sha256 pins cannot be compared.
        if (!known || a.sha256 === undefined) continue;
        assert.equal(a.sha256, known, `${d.id} ${platform}`);
        compared++;
      }
    }
    assert.ok(compared >= 40, `compared ${compared} locked sha256 with real published ones`);
  } finally {
    await real.close();
  }
});

test("an old version takes its version_override: jq 1.6's assets, x64 only, the Mac one under Rosetta", async () => {
  // jq 1.6 has no linux-arm64 build: a project locking linux-arm64 is told so (test above's rule), this one does not.
  const sb = await fresh(project().replace(`"linux-arm64", `, ""));
  await seedCatalog(sb.home);
  // jq 1.6 predates jq's sha256sum.txt and GitHub's digests: only the first-download opt-in locks it.
  const r = await sb.run(["add", "jq@1.6", "--trust-first-download"]);
  assertOk(r);
  const e = lockOf(sb).tools.jq!;
  assert.equal(e.version, "1.6");
  assert.ok(Object.values(e.platforms).every((a) => a.checksum === "first-download"));
  assert.deepEqual(Object.fromEntries(Object.entries(e.platforms).map(([p, a]) => [p, urlPath(a.url)])), {
    "linux-x64": "jq-linux64",
    "darwin-x64": "jq-osx-amd64",
    "darwin-arm64": "jq-osx-amd64",
  });
  const v = await sb.run(["exec", "--", "jq", "--version"]);
  assertOk(v);
  assert.match(v.stdout, /jq-1\.6/);
});

test("yq, locked by the sha512 of its checksum document: add records the sha256 of the verified download beside the integrity, for this platform only", async () => {
  const sb = await fresh(project());
  await seedCatalog(sb.home);
  assertOk(await sb.run(["add", "yq"]));
  const platforms = lockOf(sb).tools.yq!.platforms;
  const [entry] = sb.storeEntries().filter((n) => n.endsWith("-yq-v4.47.1"));
  assert.ok(entry, sb.storeEntries().join(" "));
  // A raw binary: the store's bin/yq is the downloaded file itself.
  const served = createHash("sha256").update(readFileSync(join(sb.home, "store", entry, "bin/yq"))).digest("hex");
  const here = platforms["linux-x64"]!;
  assert.equal(here.checksum, "checksum-file");
  assert.match(here.integrity ?? "", /^sha512-/);
  assert.equal(here.sha256, served);
  for (const p of ["linux-arm64", "darwin-x64", "darwin-arm64"]) assert.equal(platforms[p]!.sha256, undefined, `${p}: not downloaded here`);
  // The lock as written reads back, and installs as it is.
  const r = await sb.run(["install", "--frozen"]);
  assertOk(r);
  assert.deepEqual(sb.storeEntries().filter((n) => n.endsWith("-yq-v4.47.1")), [entry]);
});

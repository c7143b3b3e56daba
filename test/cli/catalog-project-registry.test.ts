/**
 * A project's own aqua registry file for private tools: imported by devenv.ts (so `devenv allow`
 * covers it), searched before the public registry, recorded in the lock by its sha256; an edit needs
 * a new allow and re-locks the tools it defines.
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { assertOk, type Sandbox } from "../helpers/cli.js";
import { gzip, sha256hex, tarEntries } from "../support/archives.js";
import { seedCatalog } from "../support/catalog-cache.js";
import { projectSandboxes } from "../support/project-sandbox.js";
import { githubRepoUpstream } from "../support/upstreams/github.js";
import { useFakeUpstream } from "../support/use-fake-upstream.js";

const PLATFORMS: Array<[string, string]> = [["linux", "amd64"], ["linux", "arm64"], ["darwin", "amd64"], ["darwin", "arm64"]];
const widget = (v: string, os: string, arch: string) =>
  gzip(tarEntries([{ path: `widget_${v}_${os}_${arch}/widget`, content: `#!/bin/sh\necho "widget ${v} (${os}/${arch})"\n`, mode: 0o755 }]));
const assets = (v: string) => {
  const files = PLATFORMS.map(([os, arch]) => ({ name: `widget_${v}_${os}_${arch}.tar.gz`, bytes: widget(v, os, arch) }));
  const sums = files.map((f) => `${sha256hex(f.bytes)}  ${f.name}\n`).join("");
  return [...files.map((f) => ({ name: f.name, build: () => f.bytes })), { name: "checksums.txt", build: () => Buffer.from(sums) }];
};

const fake = useFakeUpstream({
  upstreams: [githubRepoUpstream({ owner: "acme", repo: "widget", repoId: 4242, releases: [{ tag: "v1.2.0", publishedAt: "2024-05-01T10:00:00Z", assets: assets("1.2.0") }] })],
});
const fresh = projectSandboxes(() => fake.mirrors);

const REGISTRY = `packages:
  - type: github_release
    repo_owner: acme
    repo_name: widget
    description: Acme's private widget tool
    asset: widget_{{trimV .Version}}_{{.OS}}_{{.Arch}}.tar.gz
    files:
      - name: widget
        src: widget_{{trimV .Version}}_{{.OS}}_{{.Arch}}/widget
    checksum:
      type: github_release
      asset: checksums.txt
      algorithm: sha256
`;
const allowConfig = async (sb: Sandbox) => {
  writeFileSync(join(sb.project, "devenv.ts"), CONFIG);
  assertOk(await sb.run(["allow"]));
};
const CONFIG = `import { defineConfig } from "devenv";
import own from "./tools.yaml";
export default defineConfig({
  platforms: ["linux-x64", "linux-arm64", "darwin-x64", "darwin-arm64"],
  aquaRegistries: [own],
  tools: {},
});
`;

test("a private tool from the project's registry file is locked from it, runs, and an edit to the file needs a new allow", async () => {
  const sb = await fresh();
  await seedCatalog(sb.home);
  writeFileSync(join(sb.project, "tools.yaml"), REGISTRY);
  await allowConfig(sb);
  assertOk(await sb.run(["add", "widget"]));
  const lock = JSON.parse(readFileSync(join(sb.project, "devenv.lock"), "utf8"));
  const e = lock.tools.widget;
  assert.equal(e.source, "aqua:acme/widget");
  assert.equal(e.catalog.registry, "project");
  assert.equal(e.catalog.sha256, sha256hex(REGISTRY));
  assert.equal(e.platforms["darwin-arm64"].url, "https://github.com/acme/widget/releases/download/v1.2.0/widget_1.2.0_darwin_arm64.tar.gz");
  assert.equal(e.platforms["linux-x64"].checksum, "checksum-file");
  const r = await sb.run(["exec", "--", "widget"]);
  assertOk(r);
  assert.match(r.stdout, /widget 1\.2\.0 \(linux\/amd64\)/);

  // The registry file is part of what `devenv allow` approved: an edit (a pull) is not used unseen.
  writeFileSync(join(sb.project, "tools.yaml"), REGISTRY.replace("Acme's private widget tool", "Acme's widget, edited"));
  const blocked = await sb.run(["exec", "--", "widget"]);
  assert.equal(blocked.code, 1);
  assert.match(blocked.stderr, /tools\.yaml/);
  assertOk(await sb.run(["allow"]));
  // Allowed: the tool is locked again from the edited file (same version, the file's new sha256).
  assertOk(await sb.run(["install"]));
  const after = JSON.parse(readFileSync(join(sb.project, "devenv.lock"), "utf8")).tools.widget;
  assert.equal(after.catalog.sha256, sha256hex(REGISTRY.replace("Acme's private widget tool", "Acme's widget, edited")));
  assert.equal(after.version, "v1.2.0");
});

test("a package of the project's registry wins over the public one of the same name; a bad file is a clear error", async () => {
  const sb = await fresh();
  await seedCatalog(sb.home);
  // Named jq in the project: `devenv add jq` takes it, not jqlang/jq.
  writeFileSync(join(sb.project, "tools.yaml"), REGISTRY.replace("    repo_name: widget\n", "    repo_name: widget\n    aliases:\n      - name: acme/jq\n").replace("  - name: widget\n", "  - name: jq\n"));
  await allowConfig(sb);
  assertOk(await sb.run(["add", "aqua:acme/jq", "--no-install"]));
  const lock = JSON.parse(readFileSync(join(sb.project, "devenv.lock"), "utf8"));
  assert.equal(lock.tools.jq.source, "aqua:acme/widget");
  writeFileSync(join(sb.project, "tools.yaml"), "packages:\n  - repo_owner: acme\n");
  assertOk(await sb.run(["allow"]));
  const bad = await sb.run(["lock"]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /aquaRegistries\[0\]: packages\[0\] has no 'type'/);
});

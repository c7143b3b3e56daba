/**
 * Conformance on real data for the other GitHub tools without checksum files (test/fixtures/real/):
 * - ninja: the real asset names; 1.13.1 (uploaded after 2025-06-03) with its real sha256 as GitHub's
 *   digest (ninja-asset-evidence.txt), 1.12.1 (2024, digest null) from devenv's table (hermit-packages).
 * - riscv-collab: the real asset URLs of each naming era (riscv-collab-asset-names.txt): the recipe
 *   locks exactly those URLs where GitHub has a digest, and names the way out where it has none.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { parseAsset, tagToVersion } from "../../recipes/riscv64-linux-gnu-gcc.js";
import { startFakeUpstream, type FakeUpstream } from "../support/fake-upstream.js";
import { assertNoExternalRequests, installNetGuard } from "../support/net-guard.js";
import { assertOk, repoRoot, type Sandbox } from "../helpers/cli.js";
import { projectSandboxes } from "../support/project-sandbox.js";

installNetGuard();
const REAL = join(repoRoot, "test/fixtures/real");

/** `v1.13.1 ninja-linux.zip <hex>` lines of ninja-asset-evidence.txt. */
function ninjaEvidence(): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of readFileSync(join(REAL, "ninja-asset-evidence.txt"), "utf8").split("\n")) {
    const m = /^(v[\d.]+)\s+(\S+\.zip)\s+([0-9a-f]{64})$/.exec(line.trim());
    if (m) out.set(`${m[1]}/${m[2]}`, m[3]!);
  }
  return out;
}

/** The riscv-collab release URLs of the evidence file: tag → asset names. */
function riscvEvidence(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of readFileSync(join(REAL, "riscv-collab-asset-names.txt"), "utf8").split("\n")) {
    const m = /^https:\/\/github\.com\/riscv-collab\/riscv-gnu-toolchain\/releases\/download\/([\d.]+)\/(\S+)$/.exec(line.trim());
    if (m) out.set(m[1]!, [...(out.get(m[1]!) ?? []), m[2]!]);
  }
  return out;
}

const EVIDENCE = ninjaEvidence();
const RISCV = riscvEvidence();
let fake: FakeUpstream;
before(async () => {
  const real = (tag: string) => Object.fromEntries([...EVIDENCE].filter(([k]) => k.startsWith(`${tag}/`)).map(([k, v]) => [k.slice(tag.length + 1), v]));
  fake = await startFakeUpstream({
    ninja: ["1.11.1", "1.12.1", { version: "1.13.1", digests: real("v1.13.1") }],
    // Each nightly with the real asset the evidence names (the glibc GCC build of that era).
    riscvCollab: [...RISCV].map(([version, assets]) => ({ version, assets })),
  });
});
after(async () => {
  await fake.close();
  assertNoExternalRequests();
});

const fresh = projectSandboxes(() => fake.mirrors, () => ({ DEVENV_HOST_GLIBC: "2.39" }));
const lockOf = (sb: Sandbox) => JSON.parse(readFileSync(join(sb.project, "devenv.lock"), "utf8"));
const ALL4 = `platforms: ["linux-x64", "linux-arm64", "darwin-x64", "darwin-arm64"]`;
const NINJA = "https://github.com/ninja-build/ninja/releases/download";

test("ninja 1.13: the real sha256 of every platform's zip from GitHub's digest, nothing downloaded", async () => {
  assert.equal(EVIDENCE.size, 4, "the evidence file has the four 1.13.x values");
  const sb = await fresh(`export default { ${ALL4}, tools: { ninja: "1.13" } };\n`);
  fake.reset();
  assertOk(await sb.run(["lock"]));
  const p = lockOf(sb).tools.ninja.platforms;
  const want = { "linux-x64": "ninja-linux.zip", "linux-arm64": "ninja-linux-aarch64.zip", "darwin-x64": "ninja-mac.zip", "darwin-arm64": "ninja-mac.zip" };
  for (const [platform, name] of Object.entries(want)) {
    assert.equal(p[platform].url, `${NINJA}/v1.13.1/${name}`, platform);
    assert.equal(p[platform].sha256, EVIDENCE.get(`v1.13.1/${name}`), platform);
    assert.equal(p[platform].checksum, "digest", platform);
  }
  assert.equal(p["linux-x64"].sha256, "0830252db77884957a1a4b87b05a1e2d9b5f658b8367f82999a941884cbe0238");
  assert.equal(fake.count(/\.zip$/), 0, "nothing downloaded");
});

test("ninja 1.12 (uploaded 2024, no digest): the real sha256 from the table, for all four platforms, nothing downloaded", async () => {
  const rel = JSON.parse((await fake.get("/api.github.com/repos/ninja-build/ninja/releases/tags/v1.12.1"))!.toString("utf8")) as { assets: { digest: string | null }[] };
  assert.ok(rel.assets.every((a) => a.digest === null), "1.12.1's assets have no digest");
  const sb = await fresh(`export default { ${ALL4}, tools: { ninja: "1.12" } };\n`);
  fake.reset();
  assertOk(await sb.run(["lock"]));
  const p = lockOf(sb).tools.ninja.platforms;
  assert.equal(p["linux-x64"].sha256, "6f98805688d19672bd699fbbfa2c2cf0fc054ac3df1f0e6a47664d963d530255");
  assert.equal(p["linux-arm64"].sha256, "5c25c6570b0155e95fce5918cb95f1ad9870df5768653afe128db822301a05a1");
  assert.equal(p["darwin-arm64"].sha256, "89a287444b5b3e98f88a945afa50ce937b8ffd1dcc59c555ad9b1baf855298c9");
  assert.equal(p["darwin-x64"].sha256, p["darwin-arm64"].sha256, "one universal mac zip");
  for (const k of Object.keys(p)) assert.equal(p[k].checksum, "table", k);
  assert.equal(fake.count(/\.zip$/), 0, "nothing downloaded");
  // The fake's own bytes are not the real zip: install refuses them.
  const r = await sb.run(["install"]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /6f98805688d19672bd699fbbfa2c2cf0fc054ac3df1f0e6a47664d963d530255/);
  assert.deepEqual(sb.storeEntries(), []);
});

test("ninja 1.11.1 has no linux-arm64 zip (hermit's manifest: linux-aarch64 from 1.12.0): the README's note holds", async () => {
  const sb = await fresh(`export default { tools: { ninja: "1.11.1" } };\n`);
  const r = await sb.run(["lock", "--platform", "linux-arm64"]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /ninja 1\.11\.1 has no linux-arm64 build/);
  assertOk(await sb.run(["lock"]));
  assert.equal(lockOf(sb).tools.ninja.platforms["linux-x64"].sha256, "b901ba96e486dce377f9a070ed4ef3f79deb45f4ffe2938f8e7ddc69cfb3df77");
});

test("riscv-collab: every real asset name of each era parses as this release's glibc GCC build (macOS builds are not ours)", () => {
  assert.ok(RISCV.size >= 8);
  for (const [tag, names] of RISCV) {
    for (const n of names) {
      const info = parseAsset(n, tag);
      if (n.includes("-macos-")) assert.equal(info, undefined, n);
      else assert.ok(info, `${tag}/${n}`);
    }
  }
});

test("riscv-collab: nightlies uploaded since 2025-06-03 lock the real URL by digest; older ones name a way that works", async () => {
  for (const [tag, names] of RISCV) {
    const name = names.find((n) => !n.includes("-macos-"));
    if (!name) continue;
    const version = tagToVersion(tag)!;
    const sb = await fresh(`export default { tools: { "riscv64-linux-gnu-gcc": "${version}" } };\n`);
    const r = await sb.run(["lock"]);
    const url = `https://github.com/riscv-collab/riscv-gnu-toolchain/releases/download/${tag}/${name}`;
    if (tag >= "2025.06.03") {
      assertOk(r);
      const a = lockOf(sb).tools["riscv64-linux-gnu-gcc"].platforms["linux-x64"];
      assert.equal(a.url, url, tag);
      assert.equal(a.sha256, await fake.sha256(`/github.com/riscv-collab/riscv-gnu-toolchain/releases/download/${tag}/${name}`), tag);
    } else {
      assert.equal(r.code, 1, `${tag}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`no published sha256 for ${name.replace(/[.+]/g, "\\$&")}`), tag);
      assert.match(r.stderr, /pick a nightly from then on \("riscv64-linux-gnu-gcc": "2025" takes the newest 2025 one\)\. Or trust the file as first downloaded: add checksum: "first-download"/, tag);
    }
  }
  assert.equal(fake.count(/\.tar\.(gz|xz)$/), 0, "nothing downloaded");
});

/**
 * Conformance on real data (test/fixtures/real/, see SOURCES.md): GitHub release assets that no one
 * hashed. A fake GitHub serves the real asset names with GitHub's real digest rule (`digest: null`
 * for uploads before 2025-06-03); devenv must lock the real published sha256 values (from its shipped
 * checksum tables, or the digest where GitHub has one) without downloading anything, and refuse bytes
 * that do not match them.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, test } from "node:test";
import { parseJsonc } from "../../scripts/update-checksum-table.js";
import { writeTestChecksumTable } from "../support/checksum-tables.js";
import { startFakeUpstream } from "../support/fake-upstream.js";
import { installNetGuard } from "../support/net-guard.js";
import { assertOk, repoRoot, type Sandbox } from "../helpers/cli.js";
import { projectSandboxes } from "../support/project-sandbox.js";
import { useFakeUpstream } from "../support/use-fake-upstream.js";

installNetGuard();
const REAL = join(repoRoot, "test/fixtures/real");
const DL = "https://github.com/llvm/llvm-project/releases/download";

/** Every asset name toolchains_llvm lists for an LLVM version (the real release's tarballs, all systems). */
function realLlvmNames(version: string): string[] {
  const names: string[] = [];
  for (const f of ["toolchains_llvm-github.jsonc", "toolchains_llvm-github_legacy.jsonc"]) {
    const doc = parseJsonc(readFileSync(join(REAL, f), "utf8")) as Record<string, unknown>;
    names.push(...Object.keys(doc).filter((n) => n.startsWith(`clang+llvm-${version}-`) || n.startsWith(`LLVM-${version}-`)));
  }
  return names.sort();
}

// 17.0.5 and 17.0.6 with their real tarball names; both were uploaded in 2023, so GitHub has no digest.
const fake = useFakeUpstream({
  llvm: ["17.0.5", "17.0.6"].map((version) => ({ version, tarballs: realLlvmNames(version) })),
  githubPageSize: 1,
});

const fresh = projectSandboxes(() => fake.mirrors);
const lockOf = (sb: Sandbox) => JSON.parse(readFileSync(join(sb.project, "devenv.lock"), "utf8"));
const CLANG17 = `export default { platforms: ["linux-x64", "darwin-arm64"], tools: { clang: "17" } };\n`;
const LINUX = "clang+llvm-17.0.6-x86_64-linux-gnu-ubuntu-22.04.tar.xz";
const MAC = "clang+llvm-17.0.6-arm64-apple-darwin22.0.tar.xz";

test("the fake serves 17.0.6's real asset names with digest null, as GitHub does", async () => {
  const rel = JSON.parse((await fake.get("/api.github.com/repos/llvm/llvm-project/releases/tags/llvmorg-17.0.6"))!.toString("utf8")) as {
    assets: { name: string; digest: string | null; created_at: string }[];
  };
  const names = rel.assets.map((a) => a.name);
  for (const n of [LINUX, MAC, "clang+llvm-17.0.6-aarch64-linux-gnu.tar.xz"]) assert.ok(names.includes(n), n);
  for (const a of rel.assets) {
    assert.equal(a.digest, null, a.name);
    assert.ok(a.created_at < "2025-06-03", a.created_at);
  }
});

test("lock clang 17 for linux-x64 and darwin-arm64: 17.0.6 with the real sha256 of both tarballs, neither downloaded", async () => {
  const sb = await fresh(CLANG17);
  fake.reset();
  assertOk(await sb.run(["lock"]));
  const entry = lockOf(sb).tools.clang;
  assert.equal(entry.version, "17.0.6");
  assert.deepEqual(Object.keys(entry.platforms).sort(), ["darwin-arm64", "linux-x64"]);
  assert.equal(entry.platforms["linux-x64"].url, `${DL}/llvmorg-17.0.6/${LINUX}`);
  assert.equal(entry.platforms["linux-x64"].sha256, "884ee67d647d77e58740c1e645649e29ae9e8a6fe87c1376be0f3a30f3cc9ab3");
  assert.equal(entry.platforms["darwin-arm64"].url, `${DL}/llvmorg-17.0.6/${MAC}`);
  assert.equal(entry.platforms["darwin-arm64"].sha256, "1264eb3c2a4a6d5e9354c3e5dc5cb6c6481e678f6456f36d2e0e566e9400fcad");
  for (const p of ["linux-x64", "darwin-arm64"]) assert.equal(entry.platforms[p].checksum, "table", `${p}: the lock says where the value came from`);
  assert.equal(fake.count(/\.tar\.xz$/), 0, `nothing downloaded: ${fake.requests.join(", ")}`);
  assert.equal(fake.count(/\/github\.com\//), 0, "no request to github.com (downloads) at all");
});

test("served other bytes under that name, install refuses with a checksum error and installs nothing", async () => {
  const sb = await fresh(CLANG17);
  assertOk(await sb.run(["lock"]));
  const r = await sb.run(["install"]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /884ee67d647d77e58740c1e645649e29ae9e8a6fe87c1376be0f3a30f3cc9ab3/);
  assert.match(r.stderr, /checksum|sha256/i);
  assert.deepEqual(sb.storeEntries(), []);
});

test("a table entry for the test's own archive installs end to end (the table path, not the digest)", async () => {
  // The test table stands in for the shipped one: the fake's 17.0.6 tarball under its real name.
  const table = await writeTestChecksumTable(fake, { llvm: [["llvm/llvm-project", "llvmorg-17.0.6", LINUX]] });
  const sb = await fresh(`export default { tools: { clang: "17.0.6" } };\n`, { env: { DEVENV_TEST_CHECKSUM_TABLE: table } });
  assertOk(await sb.run(["install"]));
  const v = await sb.run(["exec", "--", "clang", "--version"]);
  assertOk(v);
  assert.match(v.stdout, /^clang version 17\.0\.6 /);
});

test("a hostile lock with another sha256 for a table-covered tarball is refused before downloading", async () => {
  const sb = await fresh(`export default { tools: { clang: "17" } };\n`);
  assertOk(await sb.run(["lock"]));
  const lock = lockOf(sb);
  // The sha256 of the bytes this (hostile) server sends: without the table check they would install.
  const served = await fake.sha256(`/github.com/llvm/llvm-project/releases/download/llvmorg-17.0.6/${LINUX}`);
  // (The check holds whatever the entry says its checksum came from: a table-covered asset has one value.)
  assert.equal(lock.tools.clang.platforms["linux-x64"].checksum, "table");
  lock.tools.clang.platforms["linux-x64"].sha256 = served;
  writeFileSync(join(sb.project, "devenv.lock"), `${JSON.stringify(lock, null, 2)}\n`);
  fake.reset();
  const r = await sb.run(["install"]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, new RegExp(`devenv\\.lock: tools\\.clang\\.platforms\\.linux-x64\\.sha256: "${served}" is not the sha256 of ${LINUX.replace(/[.+]/g, "\\$&")} \\(devenv's checksum table recipes/checksums/llvm\\.json, from bazel-contrib/toolchains_llvm .*gives 884ee67d`));
  assert.equal(fake.count(/\.tar\.xz$/), 0, "nothing downloaded");
  assert.deepEqual(sb.storeEntries(), []);
});

test("a GitHub digest that differs from the table is CHECKSUM_MISMATCH at lock, naming both", async () => {
  // Digests forced on: the fake's bytes' digest is not the real value the table has.
  const f = await startFakeUpstream({ llvm: [{ version: "17.0.6", tarballs: realLlvmNames("17.0.6") }], githubDigests: true });
  try {
    const sb = await fresh(`export default { tools: { clang: "17" } };\n`, { mirrors: f.mirrors });
    const r = await sb.run(["lock"]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /clang 17\.0\.6: GitHub's digest of clang\+llvm-17\.0\.6-x86_64-linux-gnu-ubuntu-22\.04\.tar\.xz is [0-9a-f]{64}, but devenv's checksum table .* says 884ee67d/);
    assert.equal(existsSync(join(sb.project, "devenv.lock")), false);
    assert.equal(f.count(/\.tar\.xz$/), 0);
  } finally {
    await f.close();
  }
});

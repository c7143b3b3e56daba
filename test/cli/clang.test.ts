/**
 * The clang (alias llvm) recipe against fake llvm/llvm-project GitHub releases that reproduce the
 * real asset irregularities (test/support/upstreams/llvm.ts): the tarball for a platform is found in
 * each release's actual asset list, its sha256 is the API's asset digest (uploads since 2025-06-03) or
 * the checksum table's (a test table holding the fake's own values stands in for the shipped one here;
 * test/cli/real-checksums.test.ts runs the shipped one), and a missing platform names what the release
 * does publish and a nearby version that has it.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import clang, { llvmAssetFor, llvmGlibc, llvmVersionOfTag } from "../../recipes/clang.js";
import llvm from "../../recipes/llvm.js";
import { createHttp } from "../../src/platform/http.js";
import { parseMirrors } from "../../src/platform/mirrors.js";
import type { PlatformKey } from "../../src/recipes/types.js";
import { writeTestChecksumTable } from "../support/checksum-tables.js";
import { startFakeUpstream, type FakeUpstream } from "../support/fake-upstream.js";
import { llvmTarballs } from "../support/upstreams/llvm.js";
import { assertNoExternalRequests, installNetGuard } from "../support/net-guard.js";
import { assertOk, sandbox, type Sandbox } from "../helpers/cli.js";
import { projectSandboxes } from "../support/project-sandbox.js";

installNetGuard();
let fake: FakeUpstream;
let table: string;

const RELEASES = ["tag:llvmorg-17-init", "17.0.5", "17.0.6", "18.1.5", "18.1.8", "19.1.5", "19.1.7", "20.1.0-rc2", "20.1.8", "21.1.0-rc1"];

before(async () => {
  // A small page size makes the recipe follow the API's Link pagination.
  fake = await startFakeUpstream({ llvm: RELEASES, githubPageSize: 3 });
  const versions = RELEASES.filter((v) => !v.startsWith("tag:"));
  table = await writeTestChecksumTable(fake, { llvm: versions.flatMap((v) => llvmTarballs(v).map((n) => ["llvm/llvm-project", `llvmorg-${v}`, n] as [string, string, string])) });
  // The recipe run in this process (the glibc test) reads the same test table.
  process.env.DEVENV_TEST_CHECKSUM_TABLE = table;
});
after(async () => {
  await fake.close();
  assertNoExternalRequests();
});

const ok = assertOk;
const DL = "https://github.com/llvm/llvm-project/releases/download";
const fresh = projectSandboxes(() => fake.mirrors, () => ({ DEVENV_TEST_CHECKSUM_TABLE: table }));
const lockOf = (sb: Sandbox) => JSON.parse(readFileSync(join(sb.project, "devenv.lock"), "utf8"));
/** The sha256 of the served bytes; the API lists it as the digest only for uploads since 2025-06-03 (as GitHub does). */
const digestOf = async (version: string, name: string): Promise<string> => {
  const rel = JSON.parse((await fake.get(`/api.github.com/repos/llvm/llvm-project/releases/tags/llvmorg-${version}`))!.toString("utf8")) as {
    assets: { name: string; digest: string | null; created_at: string }[];
  };
  const asset = rel.assets.find((a) => a.name === name);
  assert.ok(asset, `llvmorg-${version} has ${name}`);
  const served = await fake.sha256(`/github.com/llvm/llvm-project/releases/download/llvmorg-${version}/${name}`);
  assert.equal(asset.digest, asset.created_at >= "2025-06-03" ? `sha256:${served}` : null, `${name} uploaded ${asset.created_at}`);
  return served;
};

/** The lock entry of one platform: url, sha256 == the served bytes (digest or table), format, strip. */
async function assertLocked(entry: Record<string, unknown> | undefined, version: string, name: string, glibc?: string): Promise<void> {
  assert.ok(entry, `a lock entry for ${name}`);
  assert.equal(entry.url, `${DL}/llvmorg-${version}/${name}`);
  assert.equal(entry.sha256, await digestOf(version, name));
  assert.equal(entry.format, "tar.xz");
  assert.equal(entry.strip, 1);
  // The glibc floor travels in the lock, checked on the installing machine before downloading.
  assert.deepEqual(entry.requires, glibc === undefined ? undefined : { glibc });
}

test("tags map to versions; asset selection follows the real name shapes", () => {
  assert.equal(llvmVersionOfTag("llvmorg-19.1.7"), "19.1.7");
  assert.equal(llvmVersionOfTag("llvmorg-20.1.0-rc2"), "20.1.0-rc2");
  for (const t of ["llvmorg-17-init", "llvmorg-19.1.7-final", "v19.1.7", "llvmorg-19.1"]) assert.equal(llvmVersionOfTag(t), undefined, t);
  const a = (...names: string[]) => names.map((name) => ({ name, size: 1, browser_download_url: "x", digest: null }));
  // Several ubuntu builds: the oldest build host wins (runs on more machines); .sig never matches.
  const two = a("clang+llvm-13.0.0-x86_64-linux-gnu-ubuntu-20.04.tar.xz", "clang+llvm-13.0.0-x86_64-linux-gnu-ubuntu-16.04.tar.xz",
    "clang+llvm-13.0.0-x86_64-linux-gnu-ubuntu-16.04.tar.xz.sig");
  assert.equal(llvmAssetFor("13.0.0", "linux-x64", two)?.name, "clang+llvm-13.0.0-x86_64-linux-gnu-ubuntu-16.04.tar.xz");
  // The other version's asset, windows, and rhel builds do not count.
  const wrong = a("clang+llvm-17.0.5-x86_64-linux-gnu-ubuntu-22.04.tar.xz", "clang+llvm-17.0.6-x86_64-pc-windows-msvc.tar.xz",
    "clang+llvm-17.0.6-x86_64-linux-gnu-rhel-8.4.tar.xz", "LLVM-17.0.6-Linux-X64.tar.xz.jsonl");
  assert.equal(llvmAssetFor("17.0.6", "linux-x64", wrong), undefined);
  assert.equal(llvmAssetFor("18.1.8", "darwin-arm64", a("clang+llvm-18.1.8-arm64-apple-macos11.tar.xz"))?.name,
    "clang+llvm-18.1.8-arm64-apple-macos11.tar.xz");
  assert.equal(llvmGlibc("LLVM-19.1.7-Linux-X64.tar.xz"), "2.35");
  assert.equal(llvmGlibc("LLVM-20.1.8-Linux-ARM64.tar.xz"), "2.35");
  assert.equal(llvmGlibc("clang+llvm-17.0.6-x86_64-linux-gnu-ubuntu-22.04.tar.xz"), "2.34");
  assert.equal(llvmGlibc("clang+llvm-18.1.8-x86_64-linux-gnu-ubuntu-18.04.tar.xz"), "2.27");
  assert.equal(llvmGlibc("clang+llvm-18.1.8-aarch64-linux-gnu.tar.xz"), undefined);
});

test("acceptsUrl takes exactly the name shapes of that version and platform", () => {
  const ok = (v: string, p: PlatformKey, name: string) => clang.acceptsUrl(v, p, `${DL}/llvmorg-${v}/${name}`, {});
  assert.ok(ok("17.0.6", "linux-x64", "clang+llvm-17.0.6-x86_64-linux-gnu-ubuntu-22.04.tar.xz"));
  assert.ok(ok("19.1.7", "linux-x64", "LLVM-19.1.7-Linux-X64.tar.xz"));
  assert.ok(ok("19.1.7", "linux-arm64", "clang+llvm-19.1.7-aarch64-linux-gnu.tar.xz"));
  assert.ok(ok("17.0.6", "darwin-arm64", "clang+llvm-17.0.6-arm64-apple-darwin22.0.tar.xz"));
  assert.ok(ok("20.1.0-rc2", "linux-arm64", "LLVM-20.1.0-rc2-Linux-ARM64.tar.xz"));
  assert.ok(!ok("19.1.7", "linux-x64", "LLVM-19.1.7-Linux-ARM64.tar.xz"), "another platform's asset");
  assert.ok(!ok("19.1.7", "linux-x64", "LLVM-19.1.6-Linux-X64.tar.xz"), "another version's asset");
  assert.ok(!ok("19.1.7", "linux-x64", "LLVM-19.1.7-Linux-X64.tar.xz.sig"));
  assert.ok(!ok("17.0.6", "linux-x64", "clang+llvm-17.0.6-x86_64-pc-windows-msvc.tar.xz"));
  assert.ok(!ok("17.0.6", "linux-x64", "clang+llvm-17.0.6-x86_64-linux-gnu-ubuntu-22.04.tar.xz/../evil.tar.xz"));
  assert.ok(!clang.acceptsUrl("19.1.7", "linux-x64", `${DL}/llvmorg-19.1.6/LLVM-19.1.7-Linux-X64.tar.xz`, {}), "another tag");
  assert.ok(!clang.acceptsUrl("19.1.7", "linux-x64", `https://example.com/llvmorg-19.1.7/LLVM-19.1.7-Linux-X64.tar.xz`, {}));
  assert.equal(llvm.name, "llvm");
  assert.ok(llvm.acceptsUrl("19.1.7", "linux-x64", `${DL}/llvmorg-19.1.7/LLVM-19.1.7-Linux-X64.tar.xz`, {}));
});

test("the recipe's artifacts carry the glibc floor of each Linux build, and alternatives say what needs less", async () => {
  const http = createHttp({ mirrors: parseMirrors(fake.mirrors), offline: false, backoffMs: 5 });
  const glibcOf = async (v: string, p: PlatformKey) => (await clang.artifact({ http }, v, p, {})).requires?.glibc;
  assert.equal(await glibcOf("17.0.6", "linux-x64"), "2.34");
  assert.equal(await glibcOf("18.1.8", "linux-x64"), "2.27");
  assert.equal(await glibcOf("19.1.7", "linux-x64"), "2.35");
  assert.equal(await glibcOf("20.1.8", "linux-arm64"), "2.35");
  // The hand-built aarch64 tarballs: build host unknown, so no claim.
  assert.equal(await glibcOf("17.0.6", "linux-arm64"), undefined);
  assert.equal(await glibcOf("19.1.7", "linux-arm64"), undefined);
  assert.equal(await glibcOf("19.1.7", "darwin-arm64"), undefined);
  assert.equal(clang.alternatives?.("19.1.7", "linux-x64", {}),
    "clang 18.1.8 needs glibc 2.27 only (it also needs libtinfo.so.5, from the libtinfo5 package)");
  assert.match(llvm.alternatives?.("17.0.6", "linux-x64", {}) ?? "", /^llvm 18\.1\.8 needs glibc 2\.27 only/);
  assert.equal(clang.alternatives?.("18.1.8", "linux-x64", {}), undefined);
});

test("versions clang lists llvmorg-* releases (rcs as semver prereleases) across pages and skips other tags", async () => {
  const sb = await fresh();
  const v = await sb.run(["versions", "clang"]);
  ok(v);
  const listed = v.stdout.trim().split("\n").map((l) => l.trim().split(/\s+/)[0]);
  assert.deepEqual(listed, ["21.1.0-rc1", "20.1.8", "20.1.0-rc2", "19.1.7", "19.1.5", "18.1.8", "18.1.5", "17.0.6", "17.0.5"]);
  assert.doesNotMatch(v.stdout, /init/);
  const l = await sb.run(["versions", "llvm"]);
  ok(l);
  assert.deepEqual(l.stdout.trim().split("\n").map((x) => x.trim().split(/\s+/)[0]), listed);
});

test("add clang@17 locks the ubuntu-22.04 tarball with its digest, installs it, and clang runs", async () => {
  const sb = await fresh();
  ok(await sb.run(["add", "clang@17"]));
  const entry = lockOf(sb).tools.clang;
  assert.equal(entry.version, "17.0.6");
  await assertLocked(entry.platforms["linux-x64"], "17.0.6", "clang+llvm-17.0.6-x86_64-linux-gnu-ubuntu-22.04.tar.xz", "2.34");
  assert.equal(entry.platforms["linux-x64"].sha256,
    await fake.sha256("/github.com/llvm/llvm-project/releases/download/llvmorg-17.0.6/clang+llvm-17.0.6-x86_64-linux-gnu-ubuntu-22.04.tar.xz"));

  const r = await sb.run(["exec", "--", "clang", "--version"]);
  ok(r);
  assert.match(r.stdout, /^clang version 17\.0\.6 \(/);
  assert.match(r.stdout, /^Target: x86_64-unknown-linux-gnu$/m);
  for (const [tool, out] of [["clang++", /^clang version 17\.0\.6/], ["ld.lld", /^LLD 17\.0\.6/], ["llvm-ar", /LLVM version 17\.0\.6/]] as const) {
    const t = await sb.run(["exec", "--", tool, "--version"]);
    ok(t);
    assert.match(t.stdout, out, tool);
  }
  // strip 1: the top dir is gone, bin/ and the resource dir sit at the store entry's root.
  const [dir] = sb.storeEntries().filter((n) => n.endsWith("-clang-17.0.6"));
  assert.ok(dir, `a clang store entry in ${sb.storeEntries().join(", ")}`);
  assert.ok(existsSync(join(sb.home, "store", dir, "lib/clang/17/include/stddef.h")));
  assert.ok(existsSync(join(sb.home, "store", dir, "bin/clang-17")));
});

test("add clang@19 picks LLVM-19.1.7-Linux-X64; ranges skip rcs; an exact rc is allowed", async () => {
  const sb = await fresh();
  ok(await sb.run(["add", "clang@19"]));
  const entry = lockOf(sb).tools.clang;
  assert.equal(entry.version, "19.1.7");
  await assertLocked(entry.platforms["linux-x64"], "19.1.7", "LLVM-19.1.7-Linux-X64.tar.xz", "2.35");
  const r = await sb.run(["exec", "--", "clang", "--version"]);
  ok(r);
  assert.match(r.stdout, /^clang version 19\.1\.7 /);

  const dir = join(sb.project, "..", "rc");
  mkdirSync(dir, { recursive: true });
  await sb.writeConfig(`export default { tools: { clang: "latest" } };\n`, dir);
  ok(await sb.run(["lock"], { cwd: dir }));
  assert.equal(JSON.parse(readFileSync(join(dir, "devenv.lock"), "utf8")).tools.clang.version, "20.1.8");
  await sb.writeConfig(`export default { tools: { clang: "21" } };\n`, dir);
  const none = await sb.run(["lock"], { cwd: dir });
  assert.equal(none.code, 1, none.stderr);
  assert.match(none.stderr, /clang: no version matches '21'/);
  await sb.writeConfig(`export default { tools: { clang: "21.1.0-rc1" } };\n`, dir);
  ok(await sb.run(["lock"], { cwd: dir }));
  const rc = JSON.parse(readFileSync(join(dir, "devenv.lock"), "utf8")).tools.clang;
  assert.equal(rc.version, "21.1.0-rc1");
  await assertLocked(rc.platforms["linux-x64"], "21.1.0-rc1", "LLVM-21.1.0-rc1-Linux-X64.tar.xz", "2.35");
});

test("on a host with an older glibc, clang 19 is refused before downloading and 18.1.8 is suggested", async () => {
  const sb = await fresh(`export default { tools: { clang: "19" } };\n`);
  fake.reset();
  const r = await sb.run(["install"], { env: { DEVENV_HOST_GLIBC: "2.31" } });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /clang 19\.1\.7 cannot run here: .*2\.35/);
  assert.match(r.stderr, /hint: clang 18\.1\.8 needs glibc 2\.27 only \(it also needs libtinfo\.so\.5, from the libtinfo5 package\)\. /);
  assert.equal(fake.count(/\.tar\.xz$/), 0, "nothing was downloaded");
  // The 18.1.8 ubuntu-18.04 build passes the same host.
  await sb.writeConfig(`export default { tools: { clang: "18" } };\n`);
  ok(await sb.run(["install"], { env: { DEVENV_HOST_GLIBC: "2.31" } }));
  const v = await sb.run(["exec", "--", "clang", "--version"], { env: { DEVENV_HOST_GLIBC: "2.31" } });
  ok(v);
  assert.match(v.stdout, /^clang version 18\.1\.8 /);
});

test("lock --platform darwin-arm64 linux-arm64 darwin-x64 records clang 19's asset names and digests without downloading", async () => {
  const sb = await fresh(`export default { tools: { clang: "19" } };\n`);
  fake.reset();
  ok(await sb.run(["lock", "--platform", "darwin-arm64", "linux-arm64", "darwin-x64"]));
  const p = lockOf(sb).tools.clang.platforms;
  assert.deepEqual(Object.keys(p).sort(), ["darwin-arm64", "darwin-x64", "linux-arm64", "linux-x64"]);
  await assertLocked(p["darwin-arm64"], "19.1.7", "LLVM-19.1.7-macOS-ARM64.tar.xz");
  await assertLocked(p["darwin-x64"], "19.1.7", "LLVM-19.1.7-macOS-X64.tar.xz");
  // 19.x linux-arm64 is still the hand-built clang+llvm tarball (no LLVM-19*-Linux-ARM64).
  await assertLocked(p["linux-arm64"], "19.1.7", "clang+llvm-19.1.7-aarch64-linux-gnu.tar.xz");
  await assertLocked(p["linux-x64"], "19.1.7", "LLVM-19.1.7-Linux-X64.tar.xz", "2.35");
  assert.equal(fake.count(/\.tar\.xz$/), 0, "no artifact was downloaded");

  // 20.x: every Linux build is LLVM-*, and darwin-x64 is gone again.
  const sb20 = await fresh(`export default { tools: { clang: "20" } };\n`);
  ok(await sb20.run(["lock", "--platform", "linux-arm64", "darwin-arm64"]));
  const p20 = lockOf(sb20).tools.clang.platforms;
  await assertLocked(p20["linux-arm64"], "20.1.8", "LLVM-20.1.8-Linux-ARM64.tar.xz", "2.35");
  await assertLocked(p20["darwin-arm64"], "20.1.8", "LLVM-20.1.8-macOS-ARM64.tar.xz");
  const no = await sb20.run(["lock", "--platform", "darwin-x64"]);
  assert.equal(no.code, 1, no.stderr);
  assert.match(no.stderr, /clang 20\.1\.8 has no darwin-x64 build/);
  assert.match(no.stderr, /clang 19\.1\.7 has a darwin-x64 build/);
  assert.equal(fake.count(/\.tar\.xz$/), 0, "no artifact was downloaded");
});

test("clang 17 has no darwin-x64 build: the error names the platform, what the release has, and a version that has it", async () => {
  const sb = await fresh(`export default { tools: { clang: "17.0.6" } };\n`);
  const r = await sb.run(["lock", "--platform", "darwin-x64"]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /clang 17\.0\.6 has no darwin-x64 build; llvmorg-17\.0\.6 publishes: linux-x64 \(clang\+llvm-17\.0\.6-x86_64-linux-gnu-ubuntu-22\.04\.tar\.xz\), linux-arm64 \(clang\+llvm-17\.0\.6-aarch64-linux-gnu\.tar\.xz\), darwin-arm64 \(clang\+llvm-17\.0\.6-arm64-apple-darwin22\.0\.tar\.xz\)/);
  assert.match(r.stderr, /hint: clang 19\.1\.7 has a darwin-x64 build: pin it in devenv\.ts \(clang: "19\.1\.7"\), or, if you do not need darwin-x64, drop it from 'platforms' in devenv\.ts\./);
  assert.equal(existsSync(join(sb.project, "devenv.lock")), false, "nothing was locked");
});

test("18.1.5 has no linux-x64 tarball and 19.1.5 no darwin-arm64 one: the nearest release of the same line is suggested", async () => {
  const sb = await fresh(`export default { tools: { clang: "18.1.5" } };\n`);
  const r = await sb.run(["install"]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /clang 18\.1\.5 has no linux-x64 build; llvmorg-18\.1\.5 publishes: linux-arm64 \(clang\+llvm-18\.1\.5-aarch64-linux-gnu\.tar\.xz\)\n/);
  assert.match(r.stderr, /hint: clang 18\.1\.8 has a linux-x64 build/);
  assert.deepEqual(sb.storeEntries(), []);

  const sb2 = await fresh(`export default { tools: { clang: "19.1.5" } };\n`);
  const d = await sb2.run(["lock", "--platform", "darwin-arm64"]);
  assert.equal(d.code, 1, d.stderr);
  assert.match(d.stderr, /clang 19\.1\.5 has no darwin-arm64 build; llvmorg-19\.1\.5 publishes: linux-x64 \(LLVM-19\.1\.5-Linux-X64\.tar\.xz\), linux-arm64 \(clang\+llvm-19\.1\.5-aarch64-linux-gnu\.tar\.xz\), darwin-x64 \(LLVM-19\.1\.5-macOS-X64\.tar\.xz\)/);
  assert.match(d.stderr, /hint: clang 19\.1\.7 has a darwin-arm64 build/);
});

test("the suggested release must be lockable: one whose tarball has neither a digest nor a table entry is not named", async () => {
  // 18.1.8's linux-x64 tarball is uploaded before GitHub's digests and left out of this table: suggesting
  // it would send the user to another CHECKSUM_MISSING.
  const versions = RELEASES.filter((v) => !v.startsWith("tag:"));
  const partial = await writeTestChecksumTable(fake, {
    llvm: versions.flatMap((v) => llvmTarballs(v).map((n) => ["llvm/llvm-project", `llvmorg-${v}`, n] as [string, string, string]))
      .filter(([, tag, n]) => !(tag === "llvmorg-18.1.8" && n.includes("x86_64-linux"))),
  });
  const sb = await fresh(`export default { tools: { clang: "18.1.5" } };\n`, { env: { DEVENV_TEST_CHECKSUM_TABLE: partial } });
  const r = await sb.run(["install"]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /clang 18\.1\.5 has no linux-x64 build/);
  assert.doesNotMatch(r.stderr, /18\.1\.8 ha(s|ve) a linux-x64 build/);
  assert.match(r.stderr, /hint: clang 19\.1\.7 and clang 17\.0\.6 have a linux-x64 build/);
});

test("llvm is the same recipe under its own name: add llvm@18 locks 18.1.8's ubuntu-18.04 build and runs", async () => {
  const sb = await fresh();
  ok(await sb.run(["add", "llvm@18"]));
  const entry = lockOf(sb).tools.llvm;
  assert.equal(entry.version, "18.1.8");
  await assertLocked(entry.platforms["linux-x64"], "18.1.8", "clang+llvm-18.1.8-x86_64-linux-gnu-ubuntu-18.04.tar.xz", "2.27");
  const r = await sb.run(["exec", "--", "clang", "--version"]);
  ok(r);
  assert.match(r.stdout, /^clang version 18\.1\.8 /);
  assert.ok(sb.storeEntries().some((n) => n.endsWith("-llvm-18.1.8")), sb.storeEntries().join(", "));
  ok(await sb.run(["lock", "--platform", "darwin-arm64"]));
  await assertLocked(lockOf(sb).tools.llvm.platforms["darwin-arm64"], "18.1.8", "clang+llvm-18.1.8-arm64-apple-macos11.tar.xz");
  const s = await sb.run(["search", "llvm"]);
  ok(s);
  assert.match(s.stdout, /^clang\s/m);
  assert.match(s.stdout, /^llvm\s/m);
});

test("a lock entry pointing at another asset of the release is refused before downloading", async () => {
  const sb = await fresh(`export default { tools: { clang: "17.0.6" } };\n`);
  ok(await sb.run(["lock"]));
  const lock = lockOf(sb);
  lock.tools.clang.platforms["linux-x64"].url = `${DL}/llvmorg-17.0.6/clang+llvm-17.0.6-aarch64-linux-gnu.tar.xz`;
  writeFileSync(join(sb.project, "devenv.lock"), `${JSON.stringify(lock, null, 2)}\n`);
  fake.reset();
  const r = await sb.run(["install"]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /tools\.clang\.platforms\.linux-x64\.url: \S+ is not where clang 17\.0\.6 is published/);
  assert.equal(fake.count(/\.tar\.xz$/), 0);
});

test("an asset with neither a digest nor a table entry is a CHECKSUM_MISSING error naming the first-download opt-in", async () => {
  const bare = await startFakeUpstream({ llvm: ["23.1.0"], githubDigests: false });
  try {
    const sb = sandbox(bare.mirrors);
    await sb.writeConfig(`export default { tools: { clang: "23" } };\n`);
    const r = await sb.run(["lock"]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /clang 23\.1\.0: no published sha256 for LLVM-23\.1\.0-Linux-X64\.tar\.xz \(GitHub lists no digest for it, LLVM ships no checksum file, and devenv's checksum table has no entry\)/);
    assert.match(r.stderr, /hint: Pick a version the table covers \(clang 10\.0\.0–22\.1\.8 releases, 'devenv versions clang'\) or one uploaded since 2025-06-03 \(it has a GitHub digest\); a file trusted on first download can be checked against LLVM-23\.1\.0-Linux-X64\.tar\.xz\.sig .* Or trust the file as first downloaded: add checksum: "first-download" to tools\.clang in devenv\.ts/);
    assert.equal(bare.count(/\.tar\.xz$/), 0);
  } finally {
    await bare.close();
  }
});

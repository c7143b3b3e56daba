import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { before, test } from "node:test";
import { parseXpackTag, splitXpackVersion, xpackVersionsOf } from "../../src/recipes/sources/xpack.js";
import type { GithubRelease } from "../../src/recipes/sources/github.js";
import { pickVersion, rangeAllows } from "../../src/resolver/range.js";
import gcc from "../../recipes/gcc.js";
import riscv from "../../recipes/riscv-none-elf-gcc.js";
import { startFakeUpstream, type FakeUpstream } from "../support/fake-upstream.js";
import { type Sandbox, assertOk } from "../helpers/cli.js";
import { projectSandboxes } from "../support/project-sandbox.js";
import { useFakeUpstream } from "../support/use-fake-upstream.js";


const GCC_REPO = "xpack-dev-tools/gcc-xpack";
const RISCV_REPO = "xpack-dev-tools/riscv-none-elf-gcc-xpack";

const fake = useFakeUpstream({
  // 13.3.0-1 has no darwin-x64 build; 14.2.0-1.1 is an npm-package revision with no binaries.
  xpackGcc: [
    { version: "13.3.0-1", platforms: ["darwin-arm64", "linux-arm", "linux-arm64", "linux-x64", "win32-x64"] },
    "14.1.0-1",
    "14.2.0-1",
    "14.2.0-1.1",
  ],
  xpackRiscv: ["13.2.0-2", "14.2.0-2", "14.2.0-3", "14.2.0-3.1"],
  githubPageSize: 2,
  // These tests check the .sha sidecar against GitHub's digest, so every asset has one here (real
  // xPack 13.x/14.x assets predate digests: the githubDigests: false test below is that case).
  githubDigests: true,
});

const ok = assertOk;
const fresh = projectSandboxes(() => fake.mirrors);
const read = (sb: Sandbox, file: string) => readFileSync(join(sb.project, file), "utf8");
const dl = (repo: string, tag: string, name: string) => `https://github.com/${repo}/releases/download/${tag}/${name}`;
const local = (url: string) => url.replace(/^https:\/\//, "/");

/** The hex of the `.sha` sidecar, checking its sha256sum format on the way. */
const sidecarOf = async (url: string, f: FakeUpstream = fake): Promise<string> => {
  const text = (await f.get(local(`${url}.sha`)))!.toString("utf8");
  const name = url.slice(url.lastIndexOf("/") + 1);
  const m = new RegExp(`^([0-9a-f]{64})  ${name.replace(/[.+]/g, "\\$&")}\\n$`).exec(text);
  assert.ok(m, `sha256sum line in ${url}.sha: ${JSON.stringify(text)}`);
  return m[1]!;
};
const digestOf = async (repo: string, tag: string, name: string): Promise<string> => {
  const rel = JSON.parse((await fake.get(`/api.github.com/repos/${repo}/releases/tags/${tag}`))!.toString("utf8")) as {
    assets: { name: string; digest: string }[];
  };
  const d = rel.assets.find((a) => a.name === name)!.digest;
  assert.match(d, /^sha256:[0-9a-f]{64}$/);
  return d.slice("sha256:".length);
};

test("xPack tags map to V+R: semver build metadata, so ranges match and the newest revision is picked", () => {
  assert.deepEqual(parseXpackTag("v14.2.0-1"), { base: "14.2.0", revision: 1 });
  assert.equal(parseXpackTag("v14.2.0-1.1"), undefined, "npm-package revision");
  assert.equal(parseXpackTag("14.2.0-1"), undefined);
  assert.deepEqual(splitXpackVersion("14.2.0+3"), { base: "14.2.0", revision: 3 });
  assert.equal(splitXpackVersion("14.2.0-3"), undefined);
  for (const r of ["14", "14.2", "14.2.0", "^14.1", "latest"]) assert.ok(rangeAllows(r, "14.2.0+1"), r);
  const rel = (tag: string, prerelease = false): GithubRelease => ({ tag_name: tag, draft: false, prerelease, published_at: "2024-08-08T10:00:00Z", assets: [] });
  const versions = xpackVersionsOf([rel("v14.2.0-2"), rel("v14.2.0-3.1"), rel("v13.2.0-2"), rel("v14.2.0-3"), rel("v14.2.0-1"), rel("v15.1.0-1", true)]);
  assert.deepEqual(versions.map((v) => v.version), ["14.2.0+3", "14.2.0+2", "14.2.0+1", "13.2.0+2"]);
  assert.equal(pickVersion("14", versions)?.version, "14.2.0+3");
  assert.equal(pickVersion("14.2.0", versions)?.version, "14.2.0+3");
  assert.equal(pickVersion("latest", versions)?.version, "14.2.0+3");
  assert.equal(pickVersion("14.2.0+2", versions)?.version, "14.2.0+2", "an exact revision pins it");
  // The lock may only point at the revision its version names.
  const u = (tag: string, rev: string) => `https://github.com/${RISCV_REPO}/releases/download/${tag}/xpack-riscv-none-elf-gcc-${rev}-darwin-arm64.tar.gz`;
  assert.ok(riscv.acceptsUrl("14.2.0+2", "darwin-arm64", u("v14.2.0-2", "14.2.0-2"), {}));
  assert.ok(!riscv.acceptsUrl("14.2.0+3", "darwin-arm64", u("v14.2.0-2", "14.2.0-2"), {}));
  assert.ok(!riscv.acceptsUrl("14.2.0+2", "linux-arm64", u("v14.2.0-2", "14.2.0-2"), {}));
  assert.ok(!gcc.acceptsUrl("14.2.0+2", "darwin-arm64", u("v14.2.0-2", "14.2.0-2"), {}));
  assert.ok(!riscv.acceptsUrl("14.2.0-2", "darwin-arm64", u("v14.2.0-2", "14.2.0-2"), {}));
  assert.deepEqual(gcc.bin("linux-x64", {}), ["bin"]);
  assert.match(gcc.alternatives!("14.2.0+1", "linux-x64", {}) ?? "", /glibc 2\.27/);
  assert.match(riscv.alternatives!("14.2.0+3", "linux-arm64", {}) ?? "", /glibc 2\.27/);
});

test("versions lists binary releases as V+R, newest first, and skips npm-revision tags", async () => {
  const sb = await fresh();
  const first = (out: string) => out.trim().split("\n").map((l) => l.trim().split(/\s+/)[0]);
  const g = await sb.run(["versions", "gcc"]);
  ok(g);
  assert.deepEqual(first(g.stdout), ["14.2.0+1", "14.1.0+1", "13.3.0+1"]);
  assert.doesNotMatch(g.stdout, /1\.1\b/);
  const r = await sb.run(["versions", "riscv-none-elf-gcc"]);
  ok(r);
  assert.deepEqual(first(r.stdout), ["14.2.0+3", "14.2.0+2", "13.2.0+2"]);
  const s = await sb.run(["search", "gcc"]);
  ok(s);
  assert.match(s.stdout, /^gcc\s+GNU Compiler Collection/m);
  assert.match(s.stdout, /^riscv-none-elf-gcc\s+GNU RISC-V/m);
});

test("add gcc@14 locks the xPack tarball with the .sha sidecar's sha256, installs it, and gcc/g++ run", async () => {
  const sb = await fresh();
  ok(await sb.run(["add", "gcc@14"]));
  const entry = JSON.parse(read(sb, "devenv.lock")).tools.gcc;
  assert.equal(entry.version, "14.2.0+1");
  const linux = entry.platforms["linux-x64"];
  const url = dl(GCC_REPO, "v14.2.0-1", "xpack-gcc-14.2.0-1-linux-x64.tar.gz");
  assert.equal(linux.url, url);
  assert.equal(linux.format, "tar.gz");
  assert.equal(linux.strip, 1);
  assert.equal(linux.sha256, await sidecarOf(url));
  assert.equal(linux.sha256, await digestOf(GCC_REPO, "v14.2.0-1", "xpack-gcc-14.2.0-1-linux-x64.tar.gz"));
  assert.equal(linux.sha256, await fake.sha256(local(url)));
  assert.match(read(sb, "devenv.ts"), /gcc: "14"/);

  const r = await sb.run(["exec", "--", "gcc", "--version"]);
  ok(r);
  assert.equal(r.stdout.split("\n")[0], "gcc (xPack GCC x86_64) 14.2.0");
  const gxx = await sb.run(["exec", "--", "g++", "--version"]);
  ok(gxx);
  assert.equal(gxx.stdout.split("\n")[0], "g++ (xPack GCC x86_64) 14.2.0");
  const [dir] = sb.storeEntries().filter((n) => n.endsWith("-gcc-14.2.0+1"));
  assert.ok(dir, `a gcc store entry in ${sb.storeEntries().join(", ")}`);
  // strip 1 removed xpack-gcc-14.2.0-1/.
  for (const f of ["bin/gcc", "bin/g++", "bin/cpp", "README.md", "distro-info/CHANGELOG.md"]) {
    assert.ok(existsSync(join(sb.home, "store", dir, f)), f);
  }
});

test("add riscv-none-elf-gcc@14 takes the newest rebuild (14.2.0-3), installs it, and it runs; 14.2.0+2 pins an older one", async () => {
  const sb = await fresh();
  ok(await sb.run(["add", "riscv-none-elf-gcc@14"]));
  const entry = JSON.parse(read(sb, "devenv.lock")).tools["riscv-none-elf-gcc"];
  assert.equal(entry.version, "14.2.0+3");
  const url = dl(RISCV_REPO, "v14.2.0-3", "xpack-riscv-none-elf-gcc-14.2.0-3-linux-x64.tar.gz");
  const linux = entry.platforms["linux-x64"];
  assert.equal(linux.url, url);
  assert.equal(linux.strip, 1);
  assert.equal(linux.sha256, await sidecarOf(url));
  assert.equal(linux.sha256, await digestOf(RISCV_REPO, "v14.2.0-3", "xpack-riscv-none-elf-gcc-14.2.0-3-linux-x64.tar.gz"));
  assert.equal(linux.sha256, await fake.sha256(local(url)));
  const r = await sb.run(["exec", "--", "riscv-none-elf-gcc", "--version"]);
  ok(r);
  assert.equal(r.stdout.split("\n")[0], "riscv-none-elf-gcc (xPack GNU RISC-V Embedded GCC x86_64) 14.2.0");

  const pinned = await fresh();
  ok(await pinned.run(["add", "--no-install", "riscv-none-elf-gcc@14.2.0+2"]));
  const p = JSON.parse(read(pinned, "devenv.lock")).tools["riscv-none-elf-gcc"];
  assert.equal(p.version, "14.2.0+2");
  assert.equal(p.platforms["linux-x64"].url, dl(RISCV_REPO, "v14.2.0-2", "xpack-riscv-none-elf-gcc-14.2.0-2-linux-x64.tar.gz"));
});

test("lock --platform darwin-arm64 linux-arm64 reads only the .sha sidecars, never a tarball", async () => {
  const sb = await fresh(`export default { tools: { gcc: "14", "riscv-none-elf-gcc": "14.2" } };\n`);
  fake.reset();
  ok(await sb.run(["lock", "--platform", "darwin-arm64", "linux-arm64"]));
  const tools = JSON.parse(read(sb, "devenv.lock")).tools;
  const cases: Array<[string, string, string, string]> = [
    ["gcc", GCC_REPO, "v14.2.0-1", "xpack-gcc-14.2.0-1"],
    ["riscv-none-elf-gcc", RISCV_REPO, "v14.2.0-3", "xpack-riscv-none-elf-gcc-14.2.0-3"],
  ];
  for (const [tool, repo, tag, stem] of cases) {
    const p = tools[tool].platforms;
    assert.deepEqual(Object.keys(p), ["darwin-arm64", "linux-arm64", "linux-x64"], tool);
    for (const plat of ["darwin-arm64", "linux-arm64"]) {
      const url = dl(repo, tag, `${stem}-${plat}.tar.gz`);
      assert.equal(p[plat].url, url);
      assert.equal(p[plat].sha256, await sidecarOf(url));
      assert.equal(p[plat].sha256, await digestOf(repo, tag, `${stem}-${plat}.tar.gz`));
      assert.equal(fake.count(local(`${url}.sha`)), 1, `${url}.sha fetched once`);
      // Linux builds need glibc 2.27 (xPack's floor); macOS ones state no glibc.
      assert.deepEqual(p[plat].requires, plat.startsWith("linux") ? { glibc: "2.27" } : undefined, `${tool} ${plat} requires`);
    }
  }
  assert.equal(fake.count(/\.tar\.gz$/), 0, "no tarball was downloaded");
  assert.equal(fake.count(/\.zip$/), 0);
  assert.deepEqual(sb.storeEntries(), []);
});

test("gcc 13.3.0 has no darwin-x64 build: lock fails naming the platform and the ones it has", async () => {
  const sb = await fresh(`export default { tools: { gcc: "13" } };\n`);
  const r = await sb.run(["lock", "--platform", "darwin-x64"]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /gcc 13\.3\.0\+1 has no darwin-x64 build \(release v13\.3\.0-1 of xpack-dev-tools\/gcc-xpack has no xpack-gcc-13\.3\.0-1-darwin-x64\.tar\.gz\)/);
  assert.match(r.stderr, /v13\.3\.0-1 has builds for: darwin-arm64, linux-arm, linux-arm64, linux-x64, win32-x64\./);
  assert.match(r.stderr, /drop darwin-x64 from the lock/);
  ok(await sb.run(["lock"]));
  assert.equal(JSON.parse(read(sb, "devenv.lock")).tools.gcc.platforms["linux-x64"].url,
    dl(GCC_REPO, "v13.3.0-1", "xpack-gcc-13.3.0-1-linux-x64.tar.gz"));
});

test("a .sha sidecar that disagrees with GitHub's asset digest fails add before any download; nothing is installed", async () => {
  const sb = await fresh();
  const url = dl(GCC_REPO, "v14.2.0-1", "xpack-gcc-14.2.0-1-linux-x64.tar.gz");
  const wrong = "0".repeat(64);
  fake.reset();
  fake.tamper(local(`${url}.sha`), () => Buffer.from(`${wrong}  xpack-gcc-14.2.0-1-linux-x64.tar.gz\n`));
  try {
    const r = await sb.run(["add", "gcc@14"]);
    assert.equal(r.code, 1, r.stderr);
    const digest = await digestOf(GCC_REPO, "v14.2.0-1", "xpack-gcc-14.2.0-1-linux-x64.tar.gz");
    assert.match(r.stderr, new RegExp(`gcc 14\\.2\\.0\\+1: xpack-gcc-14\\.2\\.0-1-linux-x64\\.tar\\.gz\\.sha says sha256 ${wrong} but GitHub's asset digest of xpack-gcc-14\\.2\\.0-1-linux-x64\\.tar\\.gz is ${digest}`));
    assert.match(r.stderr, /hint: .*nothing was locked or downloaded/);
    assert.equal(fake.count(/\.tar\.gz$/), 0);
    assert.deepEqual(sb.storeEntries(), []);
    assert.equal(existsSync(join(sb.project, "devenv.lock")), false);
  } finally {
    fake.reset();
  }
});

test("without asset digests the sidecar alone is trusted; a wrong one fails at install with a checksum mismatch", async () => {
  const f = await startFakeUpstream({ xpackGcc: ["14.2.0-1"], githubDigests: false });
  try {
    const url = dl(GCC_REPO, "v14.2.0-1", "xpack-gcc-14.2.0-1-linux-x64.tar.gz");
    // Honest sidecar: locked from it alone.
    const good = await fresh(`export default { tools: { gcc: "14" } };\n`, { mirrors: f.mirrors });
    ok(await good.run(["lock"]));
    assert.equal(JSON.parse(read(good, "devenv.lock")).tools.gcc.platforms["linux-x64"].sha256, await f.sha256(local(url)));
    assert.equal(await sidecarOf(url, f), await f.sha256(local(url)));

    // Served a wrong (well-formed) sidecar: the download does not match it, nothing is installed.
    const wrong = "ab".repeat(32);
    f.tamper(local(`${url}.sha`), () => Buffer.from(`${wrong}  xpack-gcc-14.2.0-1-linux-x64.tar.gz\n`));
    const sb = await fresh(`export default { tools: { gcc: "14" } };\n`, { mirrors: f.mirrors });
    const r = await sb.run(["install"]);
    assert.equal(r.code, 1, r.stderr);
    const actual = await f.sha256(local(url));
    assert.match(r.stderr, new RegExp(`checksum mismatch for ${url.replace(/[.+]/g, "\\$&")}: expected sha256 ${wrong}, got ${actual}`));
    assert.match(r.stderr, /nothing was installed/);
    assert.equal(f.count(local(url)), 1, "the tarball was downloaded once and rejected");
    assert.deepEqual(sb.storeEntries(), []);
    const r2 = await sb.run(["exec", "--", "gcc", "--version"]);
    assert.notEqual(r2.code, 0);
  } finally {
    await f.close();
  }
});

/**
 * The python recipe against fake astral-sh/python-build-standalone releases (test/support/upstreams/pbs.ts):
 * several CPython versions per release, each version rebuilt in several releases, install_only
 * tarballs among stripped/free-threaded/full/musl/x86_64_v3 distractors, one SHA256SUMS per release.
 * Real reference: 20241016/cpython-3.12.7+20241016-x86_64-unknown-linux-gnu-install_only.tar.gz has sha256
 * 43576f7db1033dd57b900307f09c2e86f371152ac8a2607133afa51cbfc36064; the fake serves its own bytes.
 */
import assert from "node:assert/strict";
import { lstatSync, readFileSync, readlinkSync, statSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { parseShaSums } from "../../src/recipes/checksums.js";
import { PBS_RELEASES } from "../support/upstreams/pbs.js";
import { type Sandbox, assertOk } from "../helpers/cli.js";
import { projectSandboxes } from "../support/project-sandbox.js";
import { useFakeUpstream } from "../support/use-fake-upstream.js";


const REPO = "astral-sh/python-build-standalone";
const DL = `https://github.com/${REPO}/releases/download`;

// Two releases per page: the recipe must follow the Link header through all of them.
// Every asset has a digest here, as publishedSha cross-checks SHA256SUMS with it (real 2024 assets have none).
const fake = useFakeUpstream({ pbs: PBS_RELEASES, githubPageSize: 2, githubDigests: true });

const ok = assertOk;
const fresh = projectSandboxes(() => fake.mirrors);
const readLock = (sb: Sandbox) => JSON.parse(readFileSync(join(sb.project, "devenv.lock"), "utf8"));
const assetName = (py: string, tag: string, triple: string) => `cpython-${py}+${tag}-${triple}-install_only.tar.gz`;
const urlOf = (py: string, tag: string, triple: string) => `${DL}/${tag}/cpython-${py}%2B${tag}-${triple}-install_only.tar.gz`;

/** The sha256 the release's SHA256SUMS lists for an asset, checked against the API's asset digest. */
const publishedSha = async (tag: string, name: string): Promise<string> => {
  const sums = parseShaSums((await fake.get(`/github.com/${REPO}/releases/download/${tag}/SHA256SUMS`))!.toString("utf8"));
  const listed = sums.get(name);
  assert.ok(listed, `SHA256SUMS of ${tag} lists ${name}`);
  const rel = JSON.parse((await fake.get(`/api.github.com/repos/${REPO}/releases/tags/${tag}`))!.toString("utf8")) as {
    assets: { name: string; digest: string }[];
  };
  assert.equal(rel.assets.find((a) => a.name === name)!.digest, `sha256:${listed}`);
  return listed;
};

test("the fake's SHA256SUMS names assets with a literal '+' and lists the distractors too", async () => {
  const text = (await fake.get(`/github.com/${REPO}/releases/download/20241016/SHA256SUMS`))!.toString("utf8");
  assert.match(text, /^[0-9a-f]{64} {2}cpython-3\.12\.7\+20241016-x86_64-unknown-linux-gnu-install_only\.tar\.gz$/m);
  assert.match(text, /cpython-3\.13\.0\+20241016-x86_64-unknown-linux-gnu-freethreaded-install_only\.tar\.gz$/m);
  assert.match(text, /cpython-3\.12\.7\+20241016-x86_64-unknown-linux-gnu-install_only_stripped\.tar\.gz$/m);
  assert.match(text, /cpython-3\.12\.7\+20241016-x86_64-unknown-linux-musl-install_only\.tar\.gz$/m);
  assert.match(text, /cpython-3\.12\.7\+20241016-x86_64_v3-unknown-linux-gnu-install_only\.tar\.gz$/m);
  assert.match(text, /cpython-3\.12\.7\+20241016-aarch64-apple-darwin-pgo\+lto-full\.tar\.zst$/m);
  assert.doesNotMatch(text, /cpython-3\.13\.1\+20241206-aarch64-apple-darwin-install_only\.tar\.gz/);
});

test("versions python lists each CPython version once, dated by its newest release, across pages", async () => {
  const sb = await fresh();
  fake.reset();
  const r = await sb.run(["versions", "python"]);
  ok(r);
  const rows = r.stdout.trim().split("\n").map((l) => l.trim().split(/\s+/));
  assert.deepEqual(rows.map((c) => c[0]), ["3.14.0", "3.14.0-rc1", "3.13.7", "3.13.1", "3.13.0", "3.12.13", "3.12.8", "3.12.7"]);
  // 3.12.8 is in 20241205 and 20241206: the newer date is given.
  const json = await sb.run(["versions", "python", "--json"]);
  ok(json);
  const dated = JSON.parse(json.stdout) as { version: string; date?: string }[];
  assert.equal(dated.find((v) => v.version === "3.12.8")?.date, "2024-12-06");
  assert.equal(dated.find((v) => v.version === "3.12.7")?.date, "2024-10-16");
  assert.equal(dated.find((v) => v.version === "3.14.0-rc1")?.date, "2025-08-18");
  // 5 releases at 2 per page: 3 list requests (the second command reads devenv's version cache), nothing downloaded.
  assert.equal(fake.count(/\/releases\?per_page=/), 3);
  assert.equal(fake.count(/\.tar\.gz$/), 0);
});

test("add python@3.12 locks the newest 3.12 from the newest release having it (%2B URL, SHA256SUMS sha), installs and runs it", async () => {
  const sb = await fresh();
  fake.reset();
  ok(await sb.run(["add", "python@3.12"]));
  const entry = readLock(sb).tools.python;
  assert.equal(entry.version, "3.12.13");
  const p = entry.platforms["linux-x64"];
  assert.equal(p.url, urlOf("3.12.13", "20260414", "x86_64-unknown-linux-gnu"));
  assert.equal(p.url, `${DL}/20260414/cpython-3.12.13%2B20260414-x86_64-unknown-linux-gnu-install_only.tar.gz`);
  assert.ok(p.url.includes("%2B") && !p.url.includes("+"));
  const name = assetName("3.12.13", "20260414", "x86_64-unknown-linux-gnu");
  assert.equal(p.sha256, await publishedSha("20260414", name));
  assert.equal(p.sha256, await fake.sha256(`/github.com/${REPO}/releases/download/20260414/${name}`));
  assert.equal(p.format, "tar.gz");
  assert.equal(p.strip, 1);
  assert.deepEqual(p.requires, { glibc: "2.17" });
  // The newest release has 3.12.13 for the host: the first page (of 3) answers versions and artifact; one SHA256SUMS.
  assert.equal(fake.count(/\/releases\?per_page=/), 1);
  assert.equal(fake.count("/20260414/SHA256SUMS"), 1);
  // The download went to the %2B URL.
  assert.ok(fake.requests.some((u) => u.endsWith("/20260414/cpython-3.12.13%2B20260414-x86_64-unknown-linux-gnu-install_only.tar.gz")), fake.requests.join("\n"));

  const v = await sb.run(["exec", "--", "python3", "--version"]);
  ok(v);
  assert.equal(v.stdout, "Python 3.12.13\n");
  const [dir] = sb.storeEntries().filter((e) => /^[0-9a-z]{32}-python-3\.12\.13$/.test(e));
  assert.ok(dir, `a python store entry in ${sb.storeEntries().join(", ")}`);
  const root = join(sb.home, "store", dir);
  assert.equal(readlinkSync(join(root, "bin/python3")), "python3.12");
  const which = await sb.run(["which", "python3"]);
  ok(which);
  assert.equal(which.stdout, `${root}/bin/python3\n`);
});

test("the installed sysconfig data, Makefile, .pc and python-config name the store entry instead of /install", async () => {
  const sb = await fresh(`export default { tools: { python: "3.13.1" } };\n`);
  ok(await sb.run(["install"]));
  const [dir] = sb.storeEntries().filter((e) => /^[0-9a-z]{32}-python-3\.13\.1$/.test(e));
  assert.ok(dir, `a python store entry in ${sb.storeEntries().join(", ")}`);
  const root = join(sb.home, "store", dir);
  const read = (rel: string) => readFileSync(join(root, rel), "utf8");

  const data = read("lib/python3.13/_sysconfigdata__linux_x86_64-linux-gnu.py");
  assert.ok(data.includes(`'LIBDIR': '${root}/lib',`), data);
  assert.ok(data.includes(`'prefix': '${root}'`), data);
  assert.ok(data.includes(`'INCLUDEPY': '${root}/include/python3.13',`), data);
  assert.ok(data.includes(`'PY_CORE_LDFLAGS': '-L${root}/lib -L/tools/deps/lib',`), data);
  assert.ok(data.includes(`'--prefix=${root}'`), data);
  assert.ok(!data.includes("'/install"), data);
  assert.ok(!/[\s'"=]\/install\b|-L\/install\b/.test(data), data);
  // Not prefixes: left as they were.
  assert.ok(data.includes("'INSTALL': '/usr/bin/install -c',"));
  assert.ok(data.includes("'srcdir': '/build/Python-3.13.1'"));
  assert.ok(data.includes("'LDFLAGS': '-L/tools/deps/lib -Wl,--exclude-libs,ALL',"));

  // Bytecode of the unpatched sysconfig data is gone; other bytecode stays.
  assert.equal(lstatSync(join(root, "lib/python3.13/__pycache__/_sysconfigdata__linux_x86_64-linux-gnu.cpython-313.pyc"), { throwIfNoEntry: false }), undefined);
  assert.ok(lstatSync(join(root, "lib/python3.13/__pycache__/os.cpython-313.pyc")).isFile());
  assert.match(read("lib/python3.13/config-3.13-x86_64-linux-gnu/Makefile"), new RegExp(`^prefix=\\t\\t${root}$`, "m"));
  assert.match(read("lib/pkgconfig/python-3.13.pc"), new RegExp(`^prefix=${root}$`, "m"));
  assert.equal(readlinkSync(join(root, "lib/pkgconfig/python3.pc")), "python-3.13.pc");
  assert.match(read("bin/python3.13-config"), new RegExp(`^prefix="${root}"$`, "m"));
  assert.equal(statSync(join(root, "bin/python3.13-config")).mode & 0o777, 0o755);
  assert.ok(lstatSync(join(root, "bin/python3-config")).isSymbolicLink());

  // What a build of a C extension asks the interpreter for.
  const libdir = await sb.run(["exec", "--", "python3", "-c", "import sysconfig; print(sysconfig.get_config_var('LIBDIR'))"]);
  ok(libdir);
  assert.equal(libdir.stdout, `${root}/lib\n`);
  const cfg = await sb.run(["exec", "--", "python3-config", "--prefix"]);
  ok(cfg);
  assert.equal(cfg.stdout, `${root}\n`);
});

test("lock --platform takes each platform from the newest release that has it, without downloading", async () => {
  const sb = await fresh(`export default { tools: { python: "3.13.1" } };\n`);
  fake.reset();
  ok(await sb.run(["lock", "--platform", "darwin-arm64", "linux-arm64", "darwin-x64"]));
  const p = readLock(sb).tools.python.platforms;
  assert.deepEqual(Object.keys(p), ["darwin-arm64", "darwin-x64", "linux-arm64", "linux-x64"]);
  // 20241206 rebuilt 3.13.1 but has no aarch64-apple-darwin build: darwin-arm64 stays on 20241205.
  const want: Record<string, [string, string]> = {
    "linux-x64": ["20241206", "x86_64-unknown-linux-gnu"],
    "linux-arm64": ["20241206", "aarch64-unknown-linux-gnu"],
    "darwin-x64": ["20241206", "x86_64-apple-darwin"],
    "darwin-arm64": ["20241205", "aarch64-apple-darwin"],
  };
  for (const [plat, [tag, triple]] of Object.entries(want)) {
    assert.equal(p[plat].url, urlOf("3.13.1", tag, triple), plat);
    assert.equal(p[plat].sha256, await publishedSha(tag, assetName("3.13.1", tag, triple)), plat);
    assert.equal(p[plat].requires?.glibc, plat.startsWith("linux") ? "2.17" : undefined, plat);
  }
  assert.equal(fake.count(/\.tar\.(gz|zst)$/), 0, "no artifact was downloaded");
  // 20241205 (page 2 of 3) is the first release with 3.13.1 for all four platforms: the walk ends there.
  assert.equal(fake.count(/\/releases\?per_page=/), 2);
});

test("a version without a build for the platform fails naming the platforms it has; ranges skip the prerelease", async () => {
  const sb = await fresh(`export default { tools: { python: "3.14.0-rc1" } };\n`);
  const r = await sb.run(["lock", "--platform", "darwin-arm64"]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /python 3\.14\.0-rc1 has no darwin-arm64 build/);
  assert.match(r.stderr, /built for: linux-x64, linux-arm64/);
  // An exact prerelease request is honoured where it exists.
  ok(await sb.run(["lock"]));
  let lock = readLock(sb);
  assert.equal(lock.tools.python.version, "3.14.0-rc1");
  assert.equal(lock.tools.python.platforms["linux-x64"].url, urlOf("3.14.0rc1", "20250818", "x86_64-unknown-linux-gnu"));
  // A range never picks it.
  await sb.writeConfig(`export default { tools: { python: "3.14" } };\n`);
  ok(await sb.run(["lock"]));
  lock = readLock(sb);
  assert.equal(lock.tools.python.version, "3.14.0");
  assert.equal(lock.tools.python.platforms["linux-x64"].url, urlOf("3.14.0", "20260414", "x86_64-unknown-linux-gnu"));
});

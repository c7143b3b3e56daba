import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { decompress as zstdDecompress } from "fzstd";
import { gzip, sha256hex, tarEntries, xz, zipEntries, zstdFrame } from "../support/archives.js";
import { startFakeUpstream, type FakeUpstream } from "../support/fake-upstream.js";
import { assertNoExternalRequests, clearNetLog, installNetGuard, netLogPath, readNetLog } from "../support/net-guard.js";

installNetGuard();

let up: FakeUpstream;
let tmp: string;

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), "devenv-fake-upstream-"));
  up = await startFakeUpstream({
    node: ["20.18.0", "20.11.1", "22.11.0"],
    zig: ["0.13.0", "0.14.1"],
    cmake: ["3.31.5", "3.30.0", "4.0.0-rc1", "3.29.9", "3.28.6"],
    githubPageSize: 2,
    // The cmake test compares digests with SHA-256.txt: every asset has one here (the era rule: github-fake.test.ts).
    githubDigests: true,
  });
});
after(async () => {
  await up.close();
  rmSync(tmp, { recursive: true, force: true });
  assertNoExternalRequests();
});

const get = async (path: string, init?: RequestInit) => fetch(up.url(path), init);
const buf = async (path: string) => {
  const r = await get(path);
  assert.equal(r.status, 200, `GET ${path}`);
  return Buffer.from(await r.arrayBuffer());
};
const write = (name: string, data: Buffer) => {
  const p = join(tmp, name);
  writeFileSync(p, data);
  return p;
};
/** Rewrite a real upstream URL through the fake's mirror map, like devenv does. */
const mirror = (url: string) => {
  for (const [from, to] of Object.entries(up.mirrorMap)) if (url.startsWith(from)) return to + url.slice(from.length);
  return url;
};

test("mirrors covers the four upstream origins", () => {
  for (const host of ["nodejs.org", "ziglang.org", "api.github.com", "github.com"]) {
    assert.ok(up.mirrors.includes(`https://${host}=${up.origin}/${host}`), up.mirrors);
  }
});

test("node: index.json, SHASUMS256.txt and archives agree", async () => {
  const index = (await (await get("/nodejs.org/dist/index.json")).json()) as Array<Record<string, unknown>>;
  assert.deepEqual(index.map((e) => e.version), ["v22.11.0", "v20.18.0", "v20.11.1"]);
  const v22 = index[0]!;
  assert.equal(v22.lts, "Jod");
  assert.equal(v22.date, "2024-10-29");
  assert.equal(index[1]!.lts, "Iron");
  assert.ok((v22.files as string[]).includes("linux-x64") && (v22.files as string[]).includes("osx-arm64-tar"));
  for (const k of ["npm", "v8", "uv", "zlib", "openssl", "modules", "security"]) assert.ok(k in v22, k);

  const sums = (await buf("/nodejs.org/dist/v22.11.0/SHASUMS256.txt")).toString();
  const line = (name: string) => sums.split("\n").find((l) => l.endsWith(`  ${name}`));
  assert.match(line("node-v22.11.0-linux-x64.tar.gz") ?? "", /^[0-9a-f]{64}  node-v22\.11\.0-linux-x64\.tar\.gz$/);
  assert.ok(line("node-v22.11.0-darwin-arm64.tar.xz"));
  assert.ok(line("win-x64/node.exe") && line("node-v22.11.0.tar.gz"));

  for (const name of ["node-v22.11.0-linux-x64.tar.gz", "node-v22.11.0-linux-x64.tar.xz", "node-v22.11.0-darwin-arm64.tar.gz"]) {
    const bytes = await buf(`/nodejs.org/dist/v22.11.0/${name}`);
    assert.equal(line(name)?.slice(0, 64), sha256hex(bytes), name);
  }
  assert.notEqual(line("node-v22.11.0-linux-x64.tar.gz")?.slice(0, 64), line("node-v22.11.0-linux-arm64.tar.gz")?.slice(0, 64));
  assert.equal((await get("/nodejs.org/dist/v22.11.0/node-v22.11.0-win-x64.zip")).status, 404);
  assert.equal((await get("/nodejs.org/dist/v99.0.0/SHASUMS256.txt")).status, 404);
});

test("node: the archive has the real layout and bin/node runs", async () => {
  const tgz = write("node.tar.gz", await buf("/nodejs.org/dist/v20.18.0/node-v20.18.0-linux-x64.tar.gz"));
  const listing = execFileSync("tar", ["-tvzf", tgz], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  assert.match(listing, /^-rwxr-xr-x .* node-v20\.18\.0-linux-x64\/bin\/node$/m);
  assert.match(listing, /node-v20\.18\.0-linux-x64\/bin\/npm -> \.\.\/lib\/node_modules\/npm\/bin\/npm-cli\.js$/m);
  assert.match(listing, /node-v20\.18\.0-linux-x64\/include\/node\/node\.h$/m);
  assert.match(listing, /node-v20\.18\.0-linux-x64\/share\/doc\/node\/README\.md$/m);
  const out = join(tmp, "node-x");
  execFileSync("mkdir", ["-p", out]);
  const txz = write("node.tar.xz", await buf("/nodejs.org/dist/v20.18.0/node-v20.18.0-linux-x64.tar.xz"));
  execFileSync("tar", ["-xJf", txz, "-C", out]);
  const root = join(out, "node-v20.18.0-linux-x64");
  assert.equal(execFileSync(join(root, "bin/node"), ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim(), "v20.18.0");
  assert.ok(readFileSync(join(root, "bin/npm"), "utf8").includes("console.log")); // symlink resolves
});

test("zig: index.json names, sizes and shasums match the served tarballs", async () => {
  const index = (await (await get("/ziglang.org/download/index.json")).json()) as Record<string, Record<string, unknown>>;
  assert.deepEqual(Object.keys(index), ["master", "0.14.1", "0.13.0"]);
  assert.equal((index.master as { version: string }).version, "0.15.0-dev.1+abc1234");
  assert.equal(index["0.14.1"]!.date, "2025-05-21");
  type File = { tarball: string; shasum: string; size: string };
  const neu = index["0.14.1"]!["x86_64-linux"] as File;
  const old = index["0.13.0"]!["x86_64-linux"] as File;
  assert.equal(neu.tarball, "https://ziglang.org/download/0.14.1/zig-x86_64-linux-0.14.1.tar.xz");
  assert.equal(old.tarball, "https://ziglang.org/download/0.13.0/zig-linux-x86_64-0.13.0.tar.xz");
  assert.ok(index["0.14.1"]!["aarch64-macos"]);
  for (const f of [neu, old, (index.master as Record<string, File>)["x86_64-linux"]!]) {
    assert.equal(typeof f.size, "string");
    const bytes = Buffer.from(await (await fetch(mirror(f.tarball))).arrayBuffer());
    assert.equal(String(bytes.length), f.size, f.tarball);
    assert.equal(sha256hex(bytes), f.shasum, f.tarball);
  }
  const out = join(tmp, "zig-x");
  execFileSync("mkdir", ["-p", out]);
  execFileSync("tar", ["-xJf", write("zig.tar.xz", await buf("/ziglang.org/download/0.13.0/zig-linux-x86_64-0.13.0.tar.xz")), "-C", out]);
  assert.equal(execFileSync(join(out, "zig-linux-x86_64-0.13.0/zig"), ["version"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim(), "0.13.0");
  assert.ok(readFileSync(join(out, "zig-linux-x86_64-0.13.0/lib/std/std.zig"), "utf8").length > 0);
});

test("cmake: GitHub list paginates with Link headers; digests and SHA-256.txt match", async () => {
  const tags: string[] = [];
  const published: string[] = [];
  let next: string | undefined = `https://api.github.com/repos/Kitware/CMake/releases?per_page=100&page=1`;
  let pages = 0;
  while (next) {
    const r = await fetch(mirror(next));
    assert.equal(r.status, 200);
    const batch = (await r.json()) as Array<{ tag_name: string; published_at: string }>;
    assert.ok(batch.length <= 2);
    tags.push(...batch.map((b) => b.tag_name));
    published.push(...batch.map((b) => b.published_at));
    next = /<([^>]+)>;\s*rel="next"/.exec(r.headers.get("link") ?? "")?.[1];
    pages++;
  }
  assert.equal(pages, 3);
  // like GitHub: newest published first (a late patch of an old line can come before a newer minor)
  assert.deepEqual([...tags].sort(), ["v3.28.6", "v3.29.9", "v3.30.0", "v3.31.5", "v4.0.0-rc1"]);
  assert.deepEqual(published, [...published].sort().reverse());
  assert.equal(tags[0], "v4.0.0-rc1");
  const explicit = (await (await get("/api.github.com/repos/Kitware/CMake/releases?per_page=2&page=3")).json()) as unknown[];
  assert.equal(explicit.length, 1);
  assert.deepEqual(await (await get("/api.github.com/repos/Kitware/CMake/releases?per_page=2&page=9")).json(), []);

  type Asset = { name: string; size: number; digest: string; browser_download_url: string; content_type: string };
  const rel = (await (await get("/api.github.com/repos/Kitware/CMake/releases/tags/v3.31.5")).json()) as {
    tag_name: string; prerelease: boolean; published_at: string; assets: Asset[];
  };
  assert.equal(rel.tag_name, "v3.31.5");
  assert.equal(rel.prerelease, false);
  assert.match(rel.published_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  const names = rel.assets.map((a) => a.name);
  for (const n of ["cmake-3.31.5-linux-x86_64.tar.gz", "cmake-3.31.5-linux-aarch64.tar.gz", "cmake-3.31.5-macos-universal.tar.gz",
    "cmake-3.31.5-SHA-256.txt", "cmake-3.31.5-SHA-256.txt.asc"]) assert.ok(names.includes(n), n);
  const shaAsset = rel.assets.find((a) => a.name === "cmake-3.31.5-SHA-256.txt")!;
  const shaTxt = (await (await fetch(mirror(shaAsset.browser_download_url))).text()).trim().split("\n");
  for (const a of rel.assets.filter((x) => x.name.endsWith(".tar.gz"))) {
    assert.equal(a.browser_download_url, `https://github.com/Kitware/CMake/releases/download/v3.31.5/${a.name}`);
    const bytes = Buffer.from(await (await fetch(mirror(a.browser_download_url))).arrayBuffer());
    assert.equal(bytes.length, a.size);
    assert.equal(a.digest, `sha256:${sha256hex(bytes)}`);
    assert.ok(shaTxt.includes(`${sha256hex(bytes)}  ${a.name}`), a.name);
  }
  const rc = (await (await get("/api.github.com/repos/Kitware/CMake/releases/tags/v4.0.0-rc1")).json()) as { prerelease: boolean };
  assert.equal(rc.prerelease, true);
  assert.equal((await get("/api.github.com/repos/Kitware/CMake/releases/tags/v9.9.9")).status, 404);

  const mac = write("cm.tar.gz", await buf("/github.com/Kitware/CMake/releases/download/v3.31.5/cmake-3.31.5-macos-universal.tar.gz"));
  assert.match(execFileSync("tar", ["-tzf", mac], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }), /^cmake-3\.31\.5-macos-universal\/CMake\.app\/Contents\/bin\/cmake$/m);
  const out = join(tmp, "cmake-x");
  execFileSync("mkdir", ["-p", out]);
  execFileSync("tar", ["-xzf", write("cl.tar.gz", await buf("/github.com/Kitware/CMake/releases/download/v4.0.0-rc1/cmake-4.0.0-rc1-linux-x86_64.tar.gz")), "-C", out]);
  const root = join(out, "cmake-4.0.0-rc1-linux-x86_64");
  assert.match(execFileSync(join(root, "bin/cmake"), ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }), /^cmake version 4\.0\.0-rc1\n/);
  assert.ok(readFileSync(join(root, "share/cmake-4.0/Modules/x.cmake"), "utf8"));
});

test("fault injection: tamper, failNext, dropNext, slow, addFile, 404, count", async () => {
  const path = "/nodejs.org/dist/v20.11.1/node-v20.11.1-linux-x64.tar.gz";
  const published = (await buf("/nodejs.org/dist/v20.11.1/SHASUMS256.txt")).toString();
  const good = sha256hex(await buf(path));
  assert.ok(published.includes(`${good}  node-v20.11.1-linux-x64.tar.gz`));
  up.tamper(/v20\.11\.1\/node-v20\.11\.1-linux-x64\.tar\.gz$/);
  const bad = await buf(path);
  assert.notEqual(sha256hex(bad), good);
  assert.equal(await up.sha256(path), good); // up.get() is the untampered truth

  up.failNext("index.json", 2);
  assert.equal((await get("/nodejs.org/dist/index.json")).status, 503);
  assert.equal((await get("/nodejs.org/dist/index.json")).status, 503);
  assert.equal((await get("/nodejs.org/dist/index.json")).status, 200);

  up.dropNext("/nodejs.org/dist/v20.18.0/node-v20.18.0-linux-x64.tar.xz", 1, 10);
  await assert.rejects(async () => {
    const r = await get("/nodejs.org/dist/v20.18.0/node-v20.18.0-linux-x64.tar.xz");
    await r.arrayBuffer();
  });

  const slowPath = up.addFile("/downloads.example.com/tool-1.0.bin", Buffer.alloc(4000, 7));
  assert.ok(up.mirrors.includes(`https://downloads.example.com=${up.origin}/downloads.example.com`));
  up.slow("tool-1.0.bin", 2000);
  const t0 = Date.now();
  const r = await fetch(slowPath);
  const reader = r.body!.getReader();
  let got = 0;
  while (Date.now() - t0 < 400) {
    const c = await reader.read();
    if (c.done) break;
    got += c.value.length;
  }
  assert.ok(got > 0 && got < 4000, `partial after ~400ms: ${got}`);
  await reader.cancel();

  const range = await get("/nodejs.org/dist/v20.18.0/SHASUMS256.txt", { headers: { range: "bytes=0-63" } });
  assert.equal(range.status, 206);
  assert.equal((await range.text()).length, 64);

  assert.equal((await get("/nope/unknown")).status, 404);
  assert.equal((await get("/api.github.com/repos/nobody/nothing/releases")).status, 404);
  assert.ok(up.count("index.json") >= 3);
  assert.ok(up.requests.includes("/nope/unknown"));
  assert.equal(up.count(/^\/nope\//), 1);
});

test("tarEntries writes real ustar: malicious paths, modes, links and pax long names", async () => {
  const long = `deep/${"d".repeat(120)}/file.txt`;
  const tar = tarEntries([
    { path: "../evil", type: "file", content: "pwned" },
    { path: "/abs/path", type: "file", content: "abs" },
    { path: "suid", type: "file", mode: 0o4755, content: "#!/bin/sh\n" },
    { path: "dir", type: "dir" },
    { path: "dir/escape", type: "symlink", linkname: "../../../etc/passwd" },
    { path: "dir/hard", type: "hardlink", linkname: "suid" },
    { path: long, type: "file", content: "long" },
  ]);
  assert.equal(tar.length % 512, 0);
  const listing = execFileSync("tar", ["-tvf", write("evil.tar", tar)], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  assert.match(listing, /^-rw-r--r-- .* \.\.\/evil$/m);
  assert.match(listing, /^-rw-r--r-- .* \/abs\/path$/m);
  assert.match(listing, /^-rwsr-xr-x .* suid$/m);
  assert.match(listing, /^drwxr-xr-x .* dir\/$/m);
  assert.match(listing, /^lrwxrwxrwx .* dir\/escape -> \.\.\/\.\.\/\.\.\/etc\/passwd$/m);
  assert.match(listing, /^hrw-r--r-- .* dir\/hard link to suid$/m);
  assert.ok(listing.split("\n").some((l) => l.endsWith(` ${long}`)), listing);
  // gzip/xz wrappers round-trip through the system tar as well
  assert.match(execFileSync("tar", ["-tzf", write("evil.tgz", gzip(tar))], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }), /^\.\.\/evil$/m);
  assert.match(execFileSync("tar", ["-tJf", write("evil.txz", await xz(tar))], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }), /^\/abs\/path$/m);
  assert.deepEqual(gunzipSync(gzip(tar)), tar);
});

test("zipEntries is readable by python zipfile and unzip, with unix modes and symlinks", () => {
  const zip = zipEntries([
    { path: "ninja", content: "#!/bin/sh\necho 1.12.1\n", mode: 0o755 },
    { path: "docs", type: "dir" },
    { path: "docs/readme.txt", content: "hello ".repeat(100), method: "deflate" },
    { path: "link", type: "symlink", linkname: "ninja" },
    { path: "../zip-slip", content: "x", method: "store" },
  ]);
  const file = write("t.zip", zip);
  const py = spawnSync("python3", ["-c", `
import zipfile, json, sys
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None
print(json.dumps([[i.filename, i.external_attr >> 16, i.compress_type, z.read(i).decode()] for i in z.infolist()]))
`, file], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  assert.equal(py.status, 0, py.stderr);
  const rows = JSON.parse(py.stdout) as [string, number, number, string][];
  assert.deepEqual(rows.map((r) => [r[0], r[1]]), [
    ["ninja", 0o100755], ["docs/", 0o40755], ["docs/readme.txt", 0o100644], ["link", 0o120777], ["../zip-slip", 0o100644],
  ]);
  assert.equal(rows[2]![2], 8); // deflated
  assert.equal(rows[2]![3], "hello ".repeat(100));
  assert.equal(rows[3]![3], "ninja");
  const unzip = execFileSync("unzip", ["-l", file], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  assert.match(unzip, /docs\/readme\.txt/);
  assert.match(unzip, /5 files/);
});

test("zstdFrame produces frames fzstd and zstd(1) decode", () => {
  const data = Buffer.concat([Buffer.alloc(200_000, 1), Buffer.from("tail")]);
  assert.deepEqual(Buffer.from(zstdDecompress(zstdFrame(data))), data);
  assert.deepEqual(Buffer.from(zstdDecompress(zstdFrame(Buffer.alloc(0)))), Buffer.alloc(0));
  const z = spawnSync("zstd", ["-d", "-c"], { input: zstdFrame(data) });
  if (z.error === undefined) assert.deepEqual(z.stdout, data);
});

test("net guard refuses non-loopback connections in-process and in children, and logs them", async () => {
  clearNetLog();
  const err = await new Promise<NodeJS.ErrnoException>((resolve, reject) => {
    const s = net.connect(443, "93.184.216.34");
    s.on("connect", () => reject(new Error("connected to the internet!")));
    s.on("error", resolve);
  });
  assert.equal(err.code, "ENETUNREACH");
  assert.match(err.message, /net-guard/);
  await assert.rejects(fetch("https://example.com/"));
  // loopback is fine
  assert.equal((await fetch(up.url("/nodejs.org/dist/index.json"))).status, 200);

  const child = spawnSync(process.execPath, ["-e", `
    const s = require("node:net").connect(80, "example.org");
    s.on("error", (e) => { console.log(e.code); });
  `], { encoding: "utf8", env: process.env });
  assert.equal(child.stdout.trim(), "ENETUNREACH", child.stderr);

  const lines = readNetLog();
  assert.ok(lines.includes(`${process.pid} 93.184.216.34:443`), lines.join("\n"));
  assert.ok(lines.includes(`${process.pid} example.com:443`), lines.join("\n"));
  assert.ok(lines.some((l) => / example\.org:80$/.test(l) && !l.startsWith(`${process.pid} `)), lines.join("\n"));
  assert.ok(readFileSync(netLogPath, "utf8").length > 0);
  assert.throws(() => assertNoExternalRequests(), /93\.184\.216\.34:443/);
  clearNetLog();
  assertNoExternalRequests();
});

/**
 * cmake against Kitware/CMake's real GitHub releases JSON (test/fixtures/real/cmake-gh-releases*.json,
 * 2020: v2.4.8–v3.16.2, no `digest` fields) and the facts of cmake-asset-evidence.txt: up to 3.19.1
 * macOS ships `cmake-V-Darwin-x86_64.tar.gz`, unpacking to `cmake-V-Darwin-x86_64/CMake.app/Contents/bin`;
 * 3.19.2–3.19.8 ship `cmake-V-macos-universal.tar.gz` and no Darwin-x86_64 (3.19.8's sha256 is
 * 0976d23d…). The SHA-256.txt files are not in the fixtures: the test writes them in the real format
 * (`shasum -a 256`, sorted by name), with the real 3.19.8 macos-universal value where it is known.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import cmake, { cmakeAsset } from "../../recipes/cmake.js";
import { silentReporter } from "../../src/reporter.js";
import { DevenvError } from "../../src/errors.js";
import { createHttp, type Http } from "../../src/platform/http.js";
import { parseMirrors } from "../../src/platform/mirrors.js";
import type { PlatformKey } from "../../src/recipes/types.js";
import { ensureInstalled } from "../../src/store/install.js";
import { gzip, sha256hex, tarEntries, type Entry } from "../support/archives.js";
import { startFakeUpstream, type FakeUpstream } from "../support/fake-upstream.js";
import { assertNoExternalRequests, installNetGuard } from "../support/net-guard.js";
import { repoRoot } from "../helpers/cli.js";

installNetGuard();
let fake: FakeUpstream;
let http: Http;

interface Release { tag_name: string; assets: { name: string; size: number; browser_download_url: string }[] }
const fixture = (f: string) => JSON.parse(readFileSync(join(repoRoot, "test/fixtures/real", f), "utf8")) as Release[];
const RELEASES = [...fixture("cmake-gh-releases.json"), ...fixture("cmake-gh-releases2.json")];
const API = "/api.github.com/repos/Kitware/CMake/releases";
const DL = "https://github.com/Kitware/CMake/releases/download";
const REAL_3198_MAC = "0976d23d982af05dcbfb3aa34fcb62ead43bea27f0e3bb95222f2a78161423f2";

/** A Darwin-x86_64 tarball in its real layout (bytes of our own). */
const darwinTarball = gzip(tarEntries(((top: string): Entry[] => [
  { path: `${top}/`, type: "dir" },
  { path: `${top}/CMake.app/Contents/Info.plist`, content: "<plist/>\n" },
  { path: `${top}/CMake.app/Contents/bin/cmake`, content: "#!/bin/sh\necho 'cmake version 3.16.2'\n", mode: 0o755 },
  { path: `${top}/CMake.app/Contents/share/cmake-3.16/Modules/x.cmake`, content: "# module\n" },
])("cmake-3.16.2-Darwin-x86_64")));

const shaFile = (rows: [string, string][]) => rows.sort((a, b) => (a[1] < b[1] ? -1 : 1)).map(([h, n]) => `${h}  ${n}\n`).join("");

/** A 3.19.8 release shaped like the real ones; asset names from cmake-asset-evidence.txt (aqua registry, Homebrew). */
const r3198: Release = {
  tag_name: "v3.19.8",
  assets: ["cmake-3.19.8-Linux-aarch64.tar.gz", "cmake-3.19.8-Linux-x86_64.tar.gz", "cmake-3.19.8-macos-universal.dmg",
    "cmake-3.19.8-macos-universal.tar.gz", "cmake-3.19.8-SHA-256.txt", "cmake-3.19.8.tar.gz"]
    .map((name, i) => ({ name, size: 1000 + i, browser_download_url: `${DL}/v3.19.8/${name}` })),
};

before(async () => {
  fake = await startFakeUpstream();
  fake.addFile(API, JSON.stringify(RELEASES), "application/json");
  const r3162 = RELEASES.find((r) => r.tag_name === "v3.16.2")!;
  fake.addFile(`${API}/tags/v3.16.2`, JSON.stringify(r3162), "application/json");
  fake.addFile("/github.com/Kitware/CMake/releases/download/v3.16.2/cmake-3.16.2-Darwin-x86_64.tar.gz", darwinTarball);
  fake.addFile("/github.com/Kitware/CMake/releases/download/v3.16.2/cmake-3.16.2-SHA-256.txt", shaFile(
    r3162.assets.filter((a) => !a.name.includes("SHA-256")).map((a) => [a.name === "cmake-3.16.2-Darwin-x86_64.tar.gz" ? sha256hex(darwinTarball) : sha256hex(`stand-in ${a.name}`), a.name]),
  ));
  fake.addFile(`${API}/tags/v3.19.8`, JSON.stringify(r3198), "application/json");
  fake.addFile("/github.com/Kitware/CMake/releases/download/v3.19.8/cmake-3.19.8-SHA-256.txt", shaFile(
    r3198.assets.filter((a) => !a.name.includes("SHA-256")).map((a) => [a.name === "cmake-3.19.8-macos-universal.tar.gz" ? REAL_3198_MAC : sha256hex(`stand-in ${a.name}`), a.name]),
  ));
  http = createHttp({ mirrors: parseMirrors(fake.mirrors), offline: false, backoffMs: 5 });
});
after(async () => {
  await fake.close();
  assertNoExternalRequests();
});

test("versions over the real releases JSON: X.Y.Z tags (2.8.12.2 is not a version devenv can range over)", async () => {
  const versions = (await cmake.versions({ http }, {})).map((v) => v.version);
  assert.ok(versions.includes("3.16.2") && versions.includes("3.16.0-rc4") && versions.includes("3.1.3"));
  assert.ok(!versions.includes("2.8.12.2"));
  // What each release's asset list publishes: no Linux aarch64 tarball before 3.20 (devenv versions shows the gap).
  const info = await cmake.versions({ http }, {});
  assert.deepEqual(info.find((v) => v.version === "3.16.2")?.platforms, ["linux-x64", "darwin-x64", "darwin-arm64"]);
});

test("3.16.2 (real release JSON): Linux-x86_64 for linux-x64, Darwin-x86_64 for both macOS, unpacked three levels down", async () => {
  const r = RELEASES.find((x) => x.tag_name === "v3.16.2")!;
  const want: Partial<Record<PlatformKey, string>> = {
    "linux-x64": "cmake-3.16.2-Linux-x86_64.tar.gz",
    "darwin-x64": "cmake-3.16.2-Darwin-x86_64.tar.gz",
    "darwin-arm64": "cmake-3.16.2-Darwin-x86_64.tar.gz",
  };
  for (const [platform, name] of Object.entries(want) as [PlatformKey, string][]) {
    const a = await cmake.artifact({ http }, "3.16.2", platform, {});
    const asset = r.assets.find((x) => x.name === name)!;
    assert.equal(a.url, asset.browser_download_url, platform);
    assert.equal(a.url, `${DL}/v3.16.2/${name}`);
    assert.equal(a.size, asset.size, platform);
    assert.equal(a.strip, platform.startsWith("darwin") ? 3 : 1, platform);
    assert.ok(cmake.acceptsUrl("3.16.2", platform, a.url, {}));
    assert.equal(cmake.checkLocked?.("3.16.2", platform, a, {}), undefined);
  }
  // No Linux aarch64 build before 3.19: the error names the tarballs the release has.
  await assert.rejects(cmake.artifact({ http }, "3.16.2", "linux-arm64", {}), (e) =>
    e instanceof DevenvError && e.code === "UNSUPPORTED_PLATFORM" && e.hint!.includes("cmake-3.16.2-Darwin-x86_64.tar.gz"));
});

test("a Darwin-x86_64 tarball installs with cmake in bin/, where PATH looks", async () => {
  const a = await cmake.artifact({ http }, "3.16.2", "darwin-x64", {});
  assert.equal(a.sha256, sha256hex(darwinTarball));
  const store = join(mkdtempSync(join(tmpdir(), "devenv-cmake-")), "store");
  const installed = await ensureInstalled(store, http, {
    name: "cmake", version: "3.16.2", platform: "darwin-x64", source: "registry", recipeRevision: cmake.revision,
    artifact: a, bin: cmake.bin("darwin-x64", {}),
  }, silentReporter);
  assert.deepEqual(cmake.bin("darwin-x64", {}), ["bin"]);
  assert.ok(existsSync(join(installed.dir, "bin/cmake")), "bin/cmake");
  assert.ok(existsSync(join(installed.dir, "share/cmake-3.16/Modules/x.cmake")));
  assert.ok(!existsSync(join(installed.dir, "CMake.app")));
});

test("3.19.8: macos-universal (no Darwin-x86_64) with the real sha256 for both macOS platforms; Linux-* for Linux", async () => {
  for (const platform of ["darwin-x64", "darwin-arm64"] as const) {
    const a = await cmake.artifact({ http }, "3.19.8", platform, {});
    assert.equal(a.url, `${DL}/v3.19.8/cmake-3.19.8-macos-universal.tar.gz`);
    assert.equal(a.sha256, REAL_3198_MAC);
    assert.equal(a.strip, 3);
  }
  assert.equal((await cmake.artifact({ http }, "3.19.8", "linux-x64", {})).url, `${DL}/v3.19.8/cmake-3.19.8-Linux-x86_64.tar.gz`);
  assert.equal((await cmake.artifact({ http }, "3.19.8", "linux-arm64", {})).url, `${DL}/v3.19.8/cmake-3.19.8-Linux-aarch64.tar.gz`);
});

test("asset names across the eras", () => {
  assert.equal(cmakeAsset("3.19.1", "darwin-arm64"), "cmake-3.19.1-Darwin-x86_64.tar.gz");
  assert.equal(cmakeAsset("3.19.2", "darwin-x64"), "cmake-3.19.2-macos-universal.tar.gz");
  assert.equal(cmakeAsset("3.19.8", "linux-x64"), "cmake-3.19.8-Linux-x86_64.tar.gz");
  assert.equal(cmakeAsset("3.20.0", "darwin-x64"), "cmake-3.20.0-macos-universal.tar.gz");
  assert.equal(cmakeAsset("3.20.0", "linux-arm64"), "cmake-3.20.0-linux-aarch64.tar.gz");
});

test("a lock entry that would leave cmake under CMake.app/Contents is refused", () => {
  const problem = cmake.checkLocked?.("3.16.2", "darwin-x64", { url: `${DL}/v3.16.2/cmake-3.16.2-Darwin-x86_64.tar.gz`, sha256: "0".repeat(64), format: "tar.gz", strip: 1 }, {});
  assert.equal(problem?.field, "strip");
});

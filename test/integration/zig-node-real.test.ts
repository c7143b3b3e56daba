/**
 * zig and node against what their sites really publish: ziglang.org/download/index.json
 * (test/fixtures/real/zig-download-index.json, 0.1.1–0.15.2 and master, sha256 inline; tarballs renamed
 * zig-{arch}-{os}-V at 0.14.1) and nodejs.org/dist/index.json (a 2020 capture, v0.12–v14.1) with the
 * real SHASUMS256.txt of v14.1.0 and v18.17.0. Every platform each release has, with the real URL and
 * sha256; what a release lacks (node 14 on darwin-arm64) is an UNSUPPORTED_PLATFORM error from the
 * recipe (the resolver decides what to do with gaps).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import node from "../../recipes/node.js";
import zig from "../../recipes/zig.js";
import { DevenvError } from "../../src/errors.js";
import { createHttp, type Http } from "../../src/platform/http.js";
import { parseMirrors } from "../../src/platform/mirrors.js";
import type { PlatformKey } from "../../src/recipes/types.js";
import { startFakeUpstream, type FakeUpstream } from "../support/fake-upstream.js";
import { assertNoExternalRequests, installNetGuard } from "../support/net-guard.js";
import { repoRoot } from "../helpers/cli.js";

installNetGuard();
let fake: FakeUpstream;
let http: Http;
const real = (f: string) => readFileSync(join(repoRoot, "test/fixtures/real", f), "utf8");
const ZIG = JSON.parse(real("zig-download-index.json")) as Record<string, Record<string, { tarball: string; shasum: string; size: string }>>;
const PLATFORMS: PlatformKey[] = ["linux-x64", "linux-arm64", "darwin-x64", "darwin-arm64"];
const ZIG_KEY: Record<PlatformKey, string> = { "linux-x64": "x86_64-linux", "linux-arm64": "aarch64-linux", "darwin-x64": "x86_64-macos", "darwin-arm64": "aarch64-macos" };

before(async () => {
  fake = await startFakeUpstream();
  fake.addFile("/ziglang.org/download/index.json", real("zig-download-index.json"), "application/json");
  fake.addFile("/nodejs.org/dist/index.json", real("node-dist-index.setup-node.json"), "application/json");
  fake.addFile("/nodejs.org/dist/v14.1.0/SHASUMS256.txt", real("node-v14.1.0-SHASUMS256.txt"), "text/plain");
  fake.addFile("/nodejs.org/dist/v18.17.0/SHASUMS256.txt", real("node-v18.17.0-SHASUMS256.txt"), "text/plain");
  http = createHttp({ mirrors: parseMirrors(fake.mirrors), offline: false, backoffMs: 5 });
});
after(async () => {
  await fake.close();
  assertNoExternalRequests();
});

const unsupported = (e: unknown) => e instanceof DevenvError && e.code === "UNSUPPORTED_PLATFORM";

test("zig: versions from the real index, without master and without 0.1.1 (a Windows build only)", async () => {
  const versions = (await zig.versions({ http }, {})).map((v) => v.version);
  assert.ok(versions.includes("0.15.2") && versions.includes("0.14.0") && versions.includes("0.2.0"));
  assert.ok(!versions.includes("master") && !versions.includes("0.1.1"));
  assert.equal(versions.length, Object.keys(ZIG).length - 2);
});

test("zig 0.15.2 (new names), 0.14.0 and the README's 0.13 (old names): the real URL and sha256 for each platform", async () => {
  const spot: Record<string, string> = {
    "0.13.0 linux-x64": "https://ziglang.org/download/0.13.0/zig-linux-x86_64-0.13.0.tar.xz d45312e61ebcc48032b77bc4cf7fd6915c11fa16e4aad116b66c9468211230ea",
    "0.15.2 linux-x64": "https://ziglang.org/download/0.15.2/zig-x86_64-linux-0.15.2.tar.xz 02aa270f183da276e5b5920b1dac44a63f1a49e55050ebde3aecc9eb82f93239",
    "0.14.0 darwin-arm64": "https://ziglang.org/download/0.14.0/zig-macos-aarch64-0.14.0.tar.xz b71e4b7c4b4be9953657877f7f9e6f7ee89114c716da7c070f4a238220e95d7e",
  };
  for (const version of ["0.15.2", "0.14.1", "0.14.0", "0.13.0", "0.11.0"]) {
    for (const platform of PLATFORMS) {
      const a = await zig.artifact({ http }, version, platform, {});
      const entry = ZIG[version]![ZIG_KEY[platform]]!;
      assert.equal(a.url, entry.tarball, `${version} ${platform}`);
      assert.equal(a.sha256, entry.shasum, `${version} ${platform}`);
      assert.equal(a.size, Number(entry.size));
      assert.equal(a.format, "tar.xz");
      assert.ok(zig.acceptsUrl(version, platform, a.url, {}), `${version} ${platform}: the lock check takes the index's URL`);
      const s = spot[`${version} ${platform}`];
      if (s) assert.equal(`${a.url} ${a.sha256}`, s);
    }
  }
  await assert.rejects(zig.artifact({ http }, "0.7.1", "darwin-arm64", {}), unsupported);
});

test("node: versions and LTS names from the real dist index", async () => {
  const versions = await node.versions({ http }, {});
  assert.equal(versions.length, 23);
  assert.deepEqual(versions.find((v) => v.version === "14.1.0"), {
    version: "14.1.0",
    date: "2020-04-29",
    // The real index's `files` for 14.1.0 have no osx-arm64-tar: no darwin-arm64 build.
    platforms: ["linux-x64", "linux-arm64", "darwin-x64"],
  });
  assert.equal(versions.find((v) => v.version.startsWith("12."))?.lts, "Erbium");
});

test("node 14.1.0 and 18.17.0: the .tar.xz URL and sha256 from the real SHASUMS256.txt; 14 has no darwin-arm64", async () => {
  const want: Record<string, string> = {
    "14.1.0 linux-x64": "959fab0c8ae0830f1ab987699cd2941cab97169991630a2e0c99db7c144f9e42",
    "14.1.0 linux-arm64": "9dd3a4867f679f40075e2a364d3b3566702139274da9fcd59a182198ff7c7b52",
    "14.1.0 darwin-x64": "552c6a31cbc48fac8cfab03f350fe6f4f7189570507f96b4df99e881cefac9da",
    "18.17.0 linux-x64": "f36facda28c4d5ce76b3a1b4344e688d29d9254943a47f2f1909b1a10acb1959",
    "18.17.0 linux-arm64": "fbd2904178ee47da6e0386bc9704a12b1f613da6ad194878a517d4a69ba56544",
    "18.17.0 darwin-x64": "774734231d484d72e14f3327db6d7915abd3e2164ba577dd78affa5eade48a11",
    "18.17.0 darwin-arm64": "621cf884c4c27ddc595ff23f35ccd6fa1e827470581c30d31d779ba3cd6a162e",
  };
  for (const [key, sha256] of Object.entries(want)) {
    const [version, platform] = key.split(" ") as [string, PlatformKey];
    const a = await node.artifact({ http }, version, platform, {});
    assert.equal(a.url, `https://nodejs.org/dist/v${version}/node-v${version}-${platform}.tar.xz`, key);
    assert.equal(a.sha256, sha256, key);
    assert.equal(a.format, "tar.xz");
    assert.deepEqual(a.requires, platform.startsWith("linux") && version.startsWith("18") ? { glibc: "2.28" } : undefined, key);
    assert.ok(node.acceptsUrl(version, platform, a.url, {}), key);
  }
  await assert.rejects(node.artifact({ http }, "14.1.0", "darwin-arm64", {}), unsupported);
});

/**
 * Conformance on real documents: the recipes that know each version's platforms from their version
 * list (nodejs.org's index.json `files`, ziglang.org's index.json targets) read them right, and the
 * rule picks across those real gaps.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import node from "../../recipes/node.js";
import zig from "../../recipes/zig.js";
import type { Http } from "../../src/platform/http.js";
import { pickOnPlatforms, skippedLine } from "../../src/resolver/platform-pick.js";

const REAL = fileURLToPath(new URL("../../../test/fixtures/real/", import.meta.url));
/** An Http serving one real document for one URL. */
const serving = (url: string, file: string): Http => ({
  json: async (u: string) => {
    assert.equal(u, url);
    return JSON.parse(readFileSync(`${REAL}${file}`, "utf8"));
  },
} as unknown as Http);

test("node: index.json `files` give each release's platforms (osx-x64-tar is darwin-x64; no darwin-arm64 up to 14.1; no linux-arm64 in 0.12)", async () => {
  const versions = await node.versions({ http: serving("https://nodejs.org/dist/index.json", "node-dist-index.setup-node.json") }, {});
  const by = new Map(versions.map((v) => [v.version, v.platforms]));
  assert.deepEqual(by.get("14.1.0"), ["linux-x64", "linux-arm64", "darwin-x64"]);
  assert.deepEqual(by.get("0.12.18"), ["linux-x64", "darwin-x64"]);
  assert.ok(versions.every((v) => !v.platforms!.includes("darwin-arm64")));
  const r = pickOnPlatforms("*", versions, ["linux-x64", "darwin-arm64"]);
  assert.equal(r.picked, undefined);
  assert.equal(r.skipped.length, versions.length);
});

test("zig: index targets give each release's platforms; '0.7' with darwin-arm64 locks 0.7.0, skipping 0.7.1 (no aarch64-macos)", async () => {
  const versions = await zig.versions({ http: serving("https://ziglang.org/download/index.json", "zig-download-index.json") }, {});
  const by = new Map(versions.map((v) => [v.version, v.platforms]));
  assert.deepEqual(by.get("0.7.1"), ["linux-x64", "linux-arm64", "darwin-x64"]);
  assert.deepEqual(by.get("0.15.2"), ["linux-x64", "linux-arm64", "darwin-x64", "darwin-arm64"]);
  assert.deepEqual(by.get("0.2.0"), ["linux-x64"]);
  const r = pickOnPlatforms("0.7", versions, ["linux-x64", "darwin-arm64"]);
  assert.equal(r.picked?.version, "0.7.0");
  assert.equal(skippedLine("zig", "0.7.0", r.skipped), "zig: 0.7.0 picked; 0.7.1 skipped: no darwin-arm64 build");
});

/**
 * The rule for a range over several platforms (src/resolver/platform-pick.ts): the newest version
 * the range allows with a build for every locked platform; newer ones are skipped and said so; a
 * version the list says nothing about is probed, at most MAX_PROBES of them.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { gapLines, MAX_PROBES, newestOnAll, pickOnPlatforms, skippedLine } from "../../src/resolver/platform-pick.js";
import type { PlatformKey, VersionInfo } from "../../src/recipes/types.js";

const REAL = fileURLToPath(new URL("../../../test/fixtures/real/", import.meta.url));
/** The real node-<platform> npm version sets, as `VersionInfo` with the platforms that publish each. */
function npmNodeVersions(): VersionInfo[] {
  const sets = JSON.parse(readFileSync(`${REAL}npm-node-platform-versions.json`, "utf8")) as Record<string, string[]>;
  const by = new Map<string, PlatformKey[]>();
  for (const [pkg, versions] of Object.entries(sets)) {
    for (const v of versions) by.set(v, [...(by.get(v) ?? []), pkg.slice("node-".length) as PlatformKey]);
  }
  return [...by].map(([version, platforms]) => ({ version, platforms }));
}

const LINUX_MAC: PlatformKey[] = ["linux-x64", "darwin-arm64"];

test("real npm node sets: '18' on linux-x64 + darwin-arm64 picks 18.9.0 and skips every newer 18.x for darwin-arm64", () => {
  const r = pickOnPlatforms("18", npmNodeVersions(), LINUX_MAC);
  assert.equal(r.picked?.version, "18.9.0");
  assert.equal(r.probe, undefined);
  assert.equal(r.skipped[0]!.version, "18.20.8");
  assert.equal(r.skipped.at(-1)!.version, "18.9.1");
  assert.equal(r.skipped.length, 28);
  assert.ok(r.skipped.every((g) => g.lacks.join() === "darwin-arm64"));
  assert.equal(
    skippedLine("node", "18.9.0", r.skipped),
    "node: 18.9.0 picked; 18.20.8, 18.20.7, 18.20.6 … 18.9.1 (28 versions) skipped: no darwin-arm64 build",
  );
});

test("real npm node sets: '22' with darwin-arm64 has no candidate; the gaps are listed newest first, bounded", () => {
  const versions = npmNodeVersions();
  const r = pickOnPlatforms("22", versions, LINUX_MAC);
  assert.equal(r.picked, undefined);
  assert.equal(r.probe, undefined);
  assert.equal(r.skipped[0]!.version, "22.23.5");
  const lines = gapLines(r.skipped, r.unchecked);
  assert.equal(lines.length, 9);
  assert.equal(lines[0], "22.23.5: no darwin-arm64 build");
  assert.match(lines[8]!, /^… \d+ older versions \(down to 22\.0\.0\), lacking darwin-arm64$/);
  assert.equal(newestOnAll(versions, LINUX_MAC), "18.9.0");
  // Only the host: the range's newest, as before.
  assert.equal(pickOnPlatforms("22", versions, ["linux-x64"]).picked?.version, "22.23.5");
});

test("several platforms lacking: each version says which, groups in the line keep their own platforms", () => {
  const versions: VersionInfo[] = [
    { version: "17.8.0", platforms: ["linux-x64"] },
    { version: "17.7.0", platforms: ["linux-x64", "linux-arm64"] },
    { version: "17.6.0", platforms: ["linux-x64", "linux-arm64", "darwin-arm64"] },
  ];
  const r = pickOnPlatforms("17", versions, ["linux-x64", "linux-arm64", "darwin-arm64"]);
  assert.equal(r.picked?.version, "17.6.0");
  assert.deepEqual(r.skipped, [
    { version: "17.8.0", lacks: ["linux-arm64", "darwin-arm64"] },
    { version: "17.7.0", lacks: ["darwin-arm64"] },
  ]);
  assert.equal(skippedLine("postgres", "17.6.0", r.skipped),
    "postgres: 17.6.0 picked; 17.8.0 skipped: no linux-arm64, darwin-arm64 build; 17.7.0 skipped: no darwin-arm64 build");
});

test("an exact version is the only candidate; 'latest' skips prereleases as before", () => {
  const versions: VersionInfo[] = [
    { version: "2.0.0-rc1", platforms: ["linux-x64", "darwin-arm64"] },
    { version: "1.2.0", platforms: ["linux-x64"] },
    { version: "1.1.0", platforms: ["linux-x64", "darwin-arm64"] },
  ];
  const exact = pickOnPlatforms("1.2.0", versions, LINUX_MAC);
  assert.equal(exact.picked, undefined);
  assert.deepEqual(exact.skipped, [{ version: "1.2.0", lacks: ["darwin-arm64"] }]);
  const latest = pickOnPlatforms("latest", versions, LINUX_MAC);
  assert.equal(latest.picked?.version, "1.1.0");
  assert.deepEqual(latest.skipped.map((g) => g.version), ["1.2.0"]);
});

test("unknown availability: probe newest first, use what was learnt, stop after MAX_PROBES", () => {
  const versions: VersionInfo[] = Array.from({ length: 10 }, (_, i) => ({ version: `1.${9 - i}.0` }));
  const first = pickOnPlatforms("1", versions, LINUX_MAC);
  assert.equal(first.probe?.version, "1.9.0");
  assert.equal(first.picked, undefined);
  const probed = new Map<string, PlatformKey[]>([["1.9.0", ["darwin-arm64"]]]);
  const second = pickOnPlatforms("1", versions, LINUX_MAC, probed);
  assert.equal(second.probe?.version, "1.8.0");
  assert.deepEqual(second.skipped, [{ version: "1.9.0", lacks: ["darwin-arm64"] }]);
  const full = new Map<string, PlatformKey[]>(versions.slice(0, MAX_PROBES).map((v) => [v.version, ["darwin-arm64"]]));
  const done = pickOnPlatforms("1", versions, LINUX_MAC, full);
  assert.equal(done.probe, undefined);
  assert.equal(done.picked, undefined);
  assert.equal(done.unchecked, 10 - MAX_PROBES);
  assert.match(gapLines(done.skipped, done.unchecked).at(-1)!, new RegExp(`^… ${10 - MAX_PROBES} older versions not checked`));
  // A probe's answer outranks the list's (the list says darwin-arm64; its artifact said no).
  const listed: VersionInfo[] = [{ version: "2.0.0", platforms: [...LINUX_MAC] }];
  assert.equal(pickOnPlatforms("2", listed, LINUX_MAC, new Map([["2.0.0", ["darwin-arm64"]]])).picked, undefined);
});

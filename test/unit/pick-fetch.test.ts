/**
 * app/pick.ts: for versions whose platforms the list does not give, the lock asks for each
 * platform's artifact, newest first; only UNSUPPORTED_PLATFORM passes a version over, any other
 * failure (network, checksum) stops the lock; at most MAX_PROBES versions are tried.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { pickAndFetch, type ArtifactsFor } from "../../src/app/project/pick.js";
import { DevenvError } from "../../src/errors.js";
import type { PlatformKey, VersionInfo } from "../../src/recipes/types.js";
import { MAX_PROBES } from "../../src/resolver/platform-pick.js";

const REQ = { name: "tool", range: "1", platforms: ["linux-x64", "darwin-arm64"] as PlatformKey[], host: "linux-x64" as PlatformKey };
const versions: VersionInfo[] = ["1.4.0", "1.3.0", "1.2.0", "1.1.0", "1.0.0"].map((version) => ({ version }));
const art = (v: string, p: PlatformKey) => ({ [p]: { url: `https://example.test/${v}/${p}.tar.gz`, sha256: "0".repeat(64), format: "tar.gz" as const, strip: 1 } });

/** darwin-arm64 builds exist from 1.2.0 down; `calls` records every (version, platform) asked. */
function upstream(fail?: (v: string, p: PlatformKey) => Error | undefined) {
  const calls: string[] = [];
  const fetch: ArtifactsFor = async (v, ps) => {
    const p = ps[0]!;
    calls.push(`${v}/${p}`);
    const e = fail?.(v, p);
    if (e) throw e;
    if (p === "darwin-arm64" && v > "1.2.0") throw new DevenvError("UNSUPPORTED_PLATFORM", `tool ${v} has no darwin-arm64 build in its release`, { hint: `tool 1.2.0 has a darwin-arm64 build` });
    return art(v, p);
  };
  return { fetch, calls };
}

test("unknown availability: newer versions whose artifact says UNSUPPORTED_PLATFORM are skipped, the first with all is locked", async () => {
  const { fetch, calls } = upstream();
  const r = await pickAndFetch(REQ, versions, fetch);
  assert.equal(r.picked.version, "1.2.0");
  assert.deepEqual(r.skipped.map((g) => [g.version, g.lacks]), [["1.4.0", ["darwin-arm64"]], ["1.3.0", ["darwin-arm64"]]]);
  assert.deepEqual(Object.keys(r.platforms).sort(), ["darwin-arm64", "linux-x64"]);
  assert.ok(!calls.some((c) => c.startsWith("1.1.0")), "older versions are not asked");
});

test("a network failure is not a missing platform: the lock stops with it, no older version is tried", async () => {
  const http = new DevenvError("HTTP", "example.test: HTTP 503");
  const { fetch, calls } = upstream((v, p) => (v === "1.4.0" && p === "linux-x64" ? http : undefined));
  await assert.rejects(pickAndFetch(REQ, versions, fetch), (e) => e === http);
  assert.ok(calls.every((c) => c.startsWith("1.4.0")), calls.join(", "));
});

test("none has every platform: the error lists each candidate with the recipe's words and keeps its hint; the tries are bounded", async () => {
  const many: VersionInfo[] = Array.from({ length: MAX_PROBES + 3 }, (_, i) => ({ version: `1.9.${MAX_PROBES + 2 - i}` }));
  const { fetch, calls } = upstream();
  await assert.rejects(pickAndFetch(REQ, many, fetch), (e: unknown) => {
    assert.ok(e instanceof DevenvError && e.code === "UNSUPPORTED_PLATFORM");
    assert.match(e.message, /^tool: no version matching '1' has a build for every platform this project locks \(linux-x64, darwin-arm64\):\n  - 1\.9\.8: tool 1\.9\.8 has no darwin-arm64 build in its release\n/);
    assert.match(e.message, /… 3 older versions not checked/);
    assert.equal(e.hint, "tool 1.2.0 has a darwin-arm64 build");
    return true;
  });
  assert.equal(new Set(calls.map((c) => c.split("/")[0])).size, MAX_PROBES);
});

test("the list's platforms are used without asking: a version it says lacks one is never fetched", async () => {
  const listed: VersionInfo[] = [
    { version: "1.4.0", platforms: ["linux-x64"] },
    { version: "1.2.0", platforms: ["linux-x64", "darwin-arm64"] },
  ];
  const { fetch, calls } = upstream();
  const r = await pickAndFetch(REQ, listed, fetch);
  assert.equal(r.picked.version, "1.2.0");
  assert.deepEqual(calls.sort(), ["1.2.0/darwin-arm64", "1.2.0/linux-x64"]);
});

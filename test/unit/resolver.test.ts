import assert from "node:assert/strict";
import { test } from "node:test";
import type { ToolRequest } from "../../src/config/normalise.js";
import { emptyLock } from "../../src/lock/format.js";
import type { LockEntry } from "../../src/lock/types.js";
import { frozenProblems, planLock } from "../../src/resolver/plan.js";
import { isValidRange, pickVersion, rangeAllows, sortVersions } from "../../src/resolver/range.js";

const vs = (...v: string[]) => v.map((version) => ({ version }));
const versions = vs("16.20.2", "17.0.1", "17.0.6", "18.1.8", "17.0.7-rc1", "3.12.0", "3.12.7", "3.13.1", "0.13.0", "0.14.1");

test("partial versions mean that prefix", () => {
  assert.equal(pickVersion("17", versions)?.version, "17.0.6");
  assert.equal(pickVersion("3.12", versions)?.version, "3.12.7");
  assert.equal(pickVersion("0.13", versions)?.version, "0.13.0");
  assert.equal(rangeAllows("17", "18.0.0"), false);
  assert.equal(rangeAllows("3.12", "3.13.0"), false);
});

test("npm ranges, exact versions and latest", () => {
  assert.equal(pickVersion("^17.0.1", versions)?.version, "17.0.6");
  assert.equal(pickVersion("~3.12.0", versions)?.version, "3.12.7");
  assert.equal(pickVersion("17.0.1", versions)?.version, "17.0.1");
  assert.equal(pickVersion("latest", versions)?.version, "18.1.8");
  assert.equal(pickVersion(">=19", versions), undefined);
});

test("prereleases only when asked for exactly", () => {
  assert.equal(pickVersion("17", versions)?.version, "17.0.6");
  assert.equal(pickVersion("17.0.7-rc1", versions)?.version, "17.0.7-rc1");
});

test("lts picks the newest LTS release", () => {
  const node = [{ version: "22.11.0", lts: "Jod" }, { version: "23.1.0" }, { version: "20.18.0", lts: "Iron" }];
  assert.equal(pickVersion("lts", node)?.version, "22.11.0");
});

test("non-semver versions match only exactly and sort last", () => {
  const odd = vs("2024.01", "1.2.3");
  assert.equal(pickVersion("2024.01", odd)?.version, "2024.01");
  assert.deepEqual(sortVersions(vs("1.0.0", "weird", "2.0.0")).map((v) => v.version), ["2.0.0", "1.0.0", "weird"]);
});

test("range validation", () => {
  for (const r of ["17", "3.12", "^1.2", "1.2.3", "latest", ">=1 <2"]) assert.ok(isValidRange(r), r);
  for (const r of ["foo", "1.2.3.4.5", ""]) assert.ok(!isValidRange(r), r);
});

const req = (name: string, range: string, options: Record<string, unknown> = {}): ToolRequest => ({ name, range, options, inline: "url" in options });
const entry = (request: string, version: string, source: string, platforms = ["linux-x64"]): LockEntry => ({
  request,
  version,
  source,
  recipeRevision: 1,
  platforms: Object.fromEntries(platforms.map((p) => [p, { url: "https://x/y.tar.gz", sha256: "a".repeat(64), format: "tar.gz", strip: 1 }])),
});

test("planLock keeps satisfied entries, resolves changed ones and drops removed ones", () => {
  const lock = { ...emptyLock(), tools: { node: entry("20", "20.18.0", "registry:node"), zig: entry("0.12", "0.12.0", "registry:zig"), cmake: entry("3", "3.31.5", "registry:cmake") } };
  const plan = planLock([req("node", "20"), req("zig", "0.13"), req("go", "1.23")], lock, ["linux-x64"]);
  assert.deepEqual(plan.keep.map((k) => k.req.name), ["node"]);
  assert.deepEqual(plan.resolve.map((r) => r.req.name), ["zig", "go"]);
  assert.match(plan.resolve[0]!.reason, /asks for '0.13'.*made for '0.12'/);
  assert.match(plan.resolve[1]!.reason, /not in devenv.lock/);
  assert.deepEqual(plan.drop, ["cmake"]);
  assert.equal(frozenProblems(plan).length, 3);
});

test("planLock notices missing platforms, changed options and forced updates", () => {
  const lock = { ...emptyLock(), tools: { node: entry("20", "20.18.0", "registry:node") } };
  const multi = planLock([req("node", "20")], lock, ["linux-x64", "darwin-arm64"]);
  assert.deepEqual(multi.keep[0]!.missing, ["darwin-arm64"]);
  assert.match(frozenProblems(multi)[0]!, /no entry for darwin-arm64/);
  const inline = planLock([req("node", "20", { url: "https://e/x.tgz", sha256: "b".repeat(64) })], lock, ["linux-x64"]);
  assert.match(inline.resolve[0]!.reason, /source changed/);
  assert.deepEqual(planLock([req("node", "20")], lock, ["linux-x64"], new Set(["node"])).resolve.length, 1);
  assert.deepEqual(frozenProblems(planLock([req("node", "20")], lock, ["linux-x64"])), []);
});

test("planLock: a platform the tool's upstream does not publish is never missing (frozen installs stay possible)", () => {
  const lock = { ...emptyLock(), tools: { "riscv64-linux-gnu-gcc": entry("2025", "2025.11.4", "registry:riscv64-linux-gnu-gcc") } };
  const all = ["linux-x64", "linux-arm64", "darwin-arm64"] as const;
  const plan = planLock([req("riscv64-linux-gnu-gcc", "2025")], lock, all, new Set(), () => ["linux-x64"]);
  assert.deepEqual(plan.keep[0]!.missing, []);
  assert.deepEqual(frozenProblems(plan), []);
  const published = planLock([req("riscv64-linux-gnu-gcc", "2025")], lock, all, new Set(), () => ["linux-x64", "linux-arm64"]);
  assert.deepEqual(published.keep[0]!.missing, ["linux-arm64"]);
});

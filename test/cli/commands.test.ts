import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, test } from "node:test";
import { type RunResult, type Sandbox, assertOk } from "../helpers/cli.js";
import { projectSandboxes } from "../support/project-sandbox.js";
import { useFakeUpstream } from "../support/use-fake-upstream.js";


const fake = useFakeUpstream({
  node: ["20.18.0", "20.11.1", "22.11.0", "23.1.0"],
  zig: ["0.13.0", "0.14.1"],
  cmake: ["3.29.9", "3.30.0", "3.31.5", "4.0.0-rc1"],
  githubPageSize: 2,
});

const ok = assertOk;
const fresh = projectSandboxes(() => fake.mirrors);
const read = (sb: Sandbox, f: string) => readFileSync(join(sb.project, f), "utf8");

test("cmake resolves through the paginated GitHub releases API and runs", async () => {
  const sb = await fresh();
  ok(await sb.run(["add", "cmake@3"]));
  const lock = JSON.parse(read(sb, "devenv.lock"));
  assert.equal(lock.tools.cmake.version, "3.31.5", "newest 3.x across all pages; rc excluded");
  assert.equal(lock.tools.cmake.platforms["linux-x64"].url, "https://github.com/Kitware/CMake/releases/download/v3.31.5/cmake-3.31.5-linux-x86_64.tar.gz");
  assert.ok(fake.count(/\/releases\?/) >= 2, "followed rel=next");
  const r = await sb.run(["exec", "--", "cmake", "--version"]);
  ok(r);
  assert.match(r.stdout, /cmake version 3\.31\.5/);
});

test("add without a range writes the newest major; add keeps formatting and comments", async () => {
  const sb = await fresh(`import { defineConfig } from "devenv";

export default defineConfig({
  // my tools
  tools: {
    zig: '0.13', // pinned for the build
  },
});
`);
  ok(await sb.run(["add", "node", "--no-install"]));
  assert.equal(read(sb, "devenv.ts"), `import { defineConfig } from "devenv";

export default defineConfig({
  // my tools
  tools: {
    zig: '0.13', // pinned for the build
    node: "23",
  },
});
`);
  assert.deepEqual(sb.storeEntries(), [], "--no-install installs nothing");
  ok(await sb.run(["add", "zig@0.14", "--no-install"]));
  assert.match(read(sb, "devenv.ts"), /zig: '0\.14', \/\/ pinned for the build/);
  assert.equal(JSON.parse(read(sb, "devenv.lock")).tools.zig.version, "0.14.1");
});

test("a failing add leaves devenv.ts and devenv.lock exactly as they were", async () => {
  const src = `export default { tools: { zig: "0.13" } };\n`;
  const sb = await fresh(src);
  ok(await sb.run(["lock"]));
  const lock = read(sb, "devenv.lock");
  const r = await sb.run(["add", "node@99"]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /node: no version matches '99'/);
  assert.match(r.stderr, /hint: Newest versions: 23\.1\.0, 22\.11\.0/);
  assert.equal(read(sb, "devenv.ts"), src);
  assert.equal(read(sb, "devenv.lock"), lock);
  const bad = await sb.run(["add", "nodejs"]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /unknown tool 'nodejs': no built-in recipe and no package of the aqua registry .* is called so\n  hint: Did you mean 'node'[ ?]/);
  const usage = await sb.run(["add", "node@not a range"]);
  assert.equal(usage.code, 2);
});

test("remove, list, update, outdated, versions, search", async () => {
  const sb = await fresh(`export default { tools: { node: "20", zig: "0.13" } };\n`);
  ok(await sb.run(["install"]));
  const list = await sb.run(["list", "--json"]);
  ok(list);
  assert.deepEqual(JSON.parse(list.stdout).map((r: { name: string; locked: string; installed: boolean }) => [r.name, r.locked, r.installed]), [["node", "20.18.0", true], ["zig", "0.13.0", true]]);
  const out = await sb.run(["outdated", "--json"]);
  ok(out);
  assert.deepEqual(JSON.parse(out.stdout).map((r: { name: string; wanted: string; latest: string }) => [r.name, r.wanted, r.latest]), [["node", "20.18.0", "23.1.0"], ["zig", "0.13.0", "0.14.1"]]);
  const v = await sb.run(["versions", "node"]);
  ok(v);
  assert.equal(v.stdout, "23.1.0\n22.11.0  (lts: Jod)\n20.18.0  (lts: Iron)\n20.11.1  (lts: Iron)\n");
  const s = await sb.run(["search", "compiler"]);
  ok(s);
  assert.match(s.stdout, /^zig\s+Zig compiler/m);
  assert.equal((await sb.run(["search", "nothing-like-this"])).code, 1);
  ok(await sb.run(["remove", "zig"]));
  assert.equal(read(sb, "devenv.ts"), `export default { tools: { node: "20" } };\n`);
  assert.deepEqual(Object.keys(JSON.parse(read(sb, "devenv.lock")).tools), ["node"]);
  const rm = await sb.run(["remove", "zig"]);
  assert.equal(rm.code, 2);
  assert.match(rm.stderr, /not in devenv\.ts: zig/);
  // update re-resolves within the range: pin an older lock by hand, then update.
  const lock = JSON.parse(read(sb, "devenv.lock"));
  await sb.writeConfig(`export default { tools: { node: "20.11" } };\n`);
  ok(await sb.run(["lock"]));
  assert.equal(JSON.parse(read(sb, "devenv.lock")).tools.node.version, "20.11.1");
  await sb.writeConfig(`export default { tools: { node: "20.11" } };\n`.replace("20.11", "20"));
  writeFileSync(join(sb.project, "devenv.lock"), JSON.stringify({ ...lock, tools: { node: { ...lock.tools.node, version: "20.11.1", platforms: JSON.parse(read(sb, "devenv.lock")).tools.node.platforms } } }));
  const upd = await sb.run(["update", "node", "--no-install"]);
  ok(upd);
  assert.match(upd.stdout, /node 20\.11\.1 → 20\.18\.0/);
});

test("env prints exact shell code for bash, fish and json; ${root} expands", async () => {
  const sb = await fresh(`export default { tools: { zig: "0.13" }, env: { DATA: "\${root}/it's here", EMPTY: "" } };\n`);
  const bash = await sb.run(["env"]);
  ok(bash);
  assert.match(bash.stdout, new RegExp(`^export DATA='${sb.project}/it'\\\\''s here';$`, "m"));
  assert.match(bash.stdout, /^export EMPTY='';$/m);
  assert.match(bash.stdout, new RegExp(`^export PATH='${sb.home}/store/[0-9a-z]{32}-zig-0\\.13\\.0:`, "m"));
  const fish = await sb.run(["env", "--shell", "fish"]);
  assert.match(fish.stdout, /^set -gx DATA '.*\/it\\'s here';$/m);
  const json = JSON.parse((await sb.run(["env", "--json"])).stdout);
  assert.equal(json.DATA, `${sb.project}/it's here`);
  assert.equal(json.LD_LIBRARY_PATH, undefined);
});

test("offline: works from the store and the lock; refuses to download", async () => {
  const sb = await fresh(`export default { tools: { zig: "0.13" } };\n`);
  ok(await sb.run(["install"]));
  fake.reset();
  const r = await sb.run(["--offline", "exec", "--", "zig", "version"]);
  ok(r);
  assert.equal(fake.requests.length, 0);
  await sb.writeConfig(`export default { tools: { zig: "0.13", node: "20" } };\n`);
  const miss = await sb.run(["exec", "--", "true"], { env: { DEVENV_OFFLINE: "1" } });
  assert.equal(miss.code, 1);
  assert.match(miss.stderr, /offline: no cached version list for node/);
  assert.equal(fake.requests.length, 0);
  const locked = await fresh(`export default { tools: { zig: "0.13" } };\n`);
  ok(await locked.run(["lock"]));
  fake.reset();
  const notInstalled = await locked.run(["--offline", "install"]);
  assert.equal(notInstalled.code, 1);
  assert.match(notInstalled.stderr, /offline: not installed: zig 0\.13\.0\n  hint: Install once while online/);
  assert.equal(fake.requests.length, 0);
});

test("a lock entry pointing somewhere the recipe would not is refused before any download", async () => {
  const sb = await fresh(`export default { tools: { zig: "0.13" } };\n`);
  ok(await sb.run(["lock"]));
  const lock = JSON.parse(read(sb, "devenv.lock"));
  lock.tools.zig.platforms["linux-x64"].url = "https://evil.example.com/zig.tar.xz";
  writeFileSync(join(sb.project, "devenv.lock"), JSON.stringify(lock));
  fake.reset();
  const r = await sb.run(["install"]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /devenv\.lock: tools\.zig\.platforms\.linux-x64\.url: https:\/\/evil\.example\.com\/zig\.tar\.xz is not where zig 0\.13\.0 is published/);
  assert.equal(fake.requests.length, 0);
  assert.deepEqual(sb.storeEntries(), []);
});

test("config errors reach the user with file:line:col or the field path", async () => {
  const syntax = await fresh(`export default {\n  tools: { node: "20" \n`);
  const r = await syntax.run(["install"]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`${syntax.project}/devenv\\.ts:3:\\d+: `));
  const schema = await fresh(`export default { tools: { node: ["20"] } };\n`);
  const s = await schema.run(["list"]);
  assert.match(s.stderr, /tools\.node: expected a version range string/);
  const none = await fresh();
  const n = await none.run(["install"]);
  assert.equal(n.code, 1);
  assert.match(n.stderr, /no devenv\.ts in .* or any parent directory\n  hint: Run 'devenv init'/);
  ok(await none.run(["init"]));
  assert.match(read(none, "devenv.ts"), /export default defineConfig\(\{/);
  ok(await none.run(["install"]));
});

test("lock --platform records other platforms from published checksums without downloading", async () => {
  const sb = await fresh(`export default { tools: { node: "20", zig: "0.13" } };\n`);
  fake.reset();
  ok(await sb.run(["lock", "--platform", "darwin-arm64", "linux-arm64"]));
  const lock = JSON.parse(read(sb, "devenv.lock"));
  assert.deepEqual(Object.keys(lock.tools.node.platforms), ["darwin-arm64", "linux-arm64", "linux-x64"]);
  assert.equal(lock.tools.node.platforms["darwin-arm64"].sha256, await fake.sha256("/nodejs.org/dist/v20.18.0/node-v20.18.0-darwin-arm64.tar.xz"));
  assert.equal(lock.tools.zig.platforms["linux-arm64"].url, "https://ziglang.org/download/0.13.0/zig-linux-aarch64-0.13.0.tar.xz");
  assert.equal(fake.count(/\.tar\.xz$/), 0, "no artifact was downloaded");
  // devenv.ts `platforms` makes the extra platforms part of what --frozen requires.
  await sb.writeConfig(`export default { tools: { node: "20", zig: "0.13" }, platforms: ["darwin-x64"] };\n`);
  const frozen = await sb.run(["install", "--frozen"]);
  assert.equal(frozen.code, 1);
  assert.match(frozen.stderr, /node: devenv\.lock has no entry for darwin-x64/);
});

test("hook --help names the three shells and the line each rc file takes", async () => {
  const sb = await fresh();
  const r = await sb.run(["hook", "--help"]);
  ok(r);
  assert.match(r.stdout, /shell\s+bash, zsh or fish/);
  assert.match(r.stdout, /~\/\.bashrc\s+eval "\$\(devenv hook bash\)"/);
  assert.match(r.stdout, /~\/\.config\/fish\/config\.fish\s+devenv hook fish \| source/);
});

import assert from "node:assert/strict";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { servedSha256, writeTestChecksumTable } from "../support/checksum-tables.js";
import { startFakeUpstream, type FakeUpstream } from "../support/fake-upstream.js";
import { ninjaZipPlatforms } from "../support/upstreams/ninja.js";
import { assertNoExternalRequests, installNetGuard } from "../support/net-guard.js";
import { type RunResult, type Sandbox, assertOk } from "../helpers/cli.js";
import { projectSandboxes } from "../support/project-sandbox.js";

installNetGuard();
let fake: FakeUpstream;
let table: string;

before(async () => {
  fake = await startFakeUpstream({
    ninja: ["release-1.2.0", "1.10.2", "1.11.1", "1.12.0", "1.12.1", "1.13.1"],
    githubPageSize: 2,
  });
  // The fake's own zips stand in for the real ones in the checksum table (1.12.1 and older have no digest).
  table = await writeTestChecksumTable(fake, {
    ninja: ["1.10.2", "1.11.1", "1.12.0", "1.12.1"].flatMap((v) => ninjaZipPlatforms(v).map((p) => ["ninja-build/ninja", `v${v}`, `ninja-${p}.zip`] as [string, string, string])),
  });
});
after(async () => {
  await fake.close();
  assertNoExternalRequests();
});

const ok = assertOk;
const fresh = projectSandboxes(() => fake.mirrors, () => ({ DEVENV_TEST_CHECKSUM_TABLE: table }));
const read = (sb: Sandbox, f: string) => readFileSync(join(sb.project, f), "utf8");
/** What the lock must record: the served bytes' sha256 (the API lists it as the digest only for 1.13.0 on). */
const digestOf = (tag: string, name: string): Promise<string> => servedSha256(fake, "ninja-build/ninja", tag, name);

test("versions ninja lists the v* releases across pages and ignores release-* tags", async () => {
  const sb = await fresh();
  const v = await sb.run(["versions", "ninja"]);
  ok(v);
  assert.deepEqual(v.stdout.trim().split("\n").map((l) => l.trim().split(/\s+/)[0]), ["1.13.1", "1.12.1", "1.12.0", "1.11.1", "1.10.2"]);
  assert.doesNotMatch(v.stdout, /release/);
  const s = await sb.run(["search", "ninja"]);
  ok(s);
  assert.match(s.stdout, /^ninja\s+Ninja/m);
});

test("add ninja@1.12 locks the table sha256 and GitHub URL, installs an executable ninja, and runs it", async () => {
  const sb = await fresh();
  ok(await sb.run(["add", "ninja@1.12"]));
  const lock = JSON.parse(read(sb, "devenv.lock"));
  const entry = lock.tools.ninja;
  assert.equal(entry.version, "1.12.1");
  const linux = entry.platforms["linux-x64"];
  assert.equal(linux.url, "https://github.com/ninja-build/ninja/releases/download/v1.12.1/ninja-linux.zip");
  assert.equal(linux.format, "zip");
  assert.equal(linux.sha256, await digestOf("v1.12.1", "ninja-linux.zip"));
  assert.equal(linux.sha256, await fake.sha256("/github.com/ninja-build/ninja/releases/download/v1.12.1/ninja-linux.zip"));
  const r = await sb.run(["exec", "--", "ninja", "--version"]);
  ok(r);
  assert.equal(r.stdout, "1.12.1\n");
  // The zip carries mode 0644 for ninja: the recipe made it executable.
  const [entryDir] = sb.storeEntries().filter((n) => n.endsWith("-ninja-1.12.1"));
  assert.ok(entryDir, `a ninja store entry in ${sb.storeEntries().join(", ")}`);
  const mode = statSync(join(sb.home, "store", entryDir, "ninja")).mode & 0o777;
  assert.equal(mode & 0o111, 0o111, `ninja mode ${mode.toString(8)}`);
});

test("lock --platform darwin-arm64 records ninja-mac.zip's sha256 without downloading", async () => {
  const sb = await fresh(`export default { tools: { ninja: "1.12" } };\n`);
  fake.reset();
  ok(await sb.run(["lock", "--platform", "darwin-arm64", "linux-arm64"]));
  const p = JSON.parse(read(sb, "devenv.lock")).tools.ninja.platforms;
  assert.deepEqual(Object.keys(p), ["darwin-arm64", "linux-arm64", "linux-x64"]);
  assert.equal(p["darwin-arm64"].url, "https://github.com/ninja-build/ninja/releases/download/v1.12.1/ninja-mac.zip");
  assert.equal(p["darwin-arm64"].sha256, await digestOf("v1.12.1", "ninja-mac.zip"));
  assert.equal(p["linux-arm64"].url, "https://github.com/ninja-build/ninja/releases/download/v1.12.1/ninja-linux-aarch64.zip");
  assert.equal(p["linux-arm64"].sha256, await digestOf("v1.12.1", "ninja-linux-aarch64.zip"));
  assert.equal(fake.count(/\.zip$/), 0, "no artifact was downloaded");
});

test("ninja before 1.12.0 has no linux-arm64 build: lock fails naming the platform", async () => {
  const src = `export default { tools: { ninja: "1.11.1" } };\n`;
  const sb = await fresh(src);
  const r = await sb.run(["lock", "--platform", "linux-arm64"]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /ninja 1\.11\.1 has no linux-arm64 build/);
  assert.match(r.stderr, /ninja 1\.12\.0 or newer/);
  // linux-x64 alone is fine.
  ok(await sb.run(["lock"]));
  assert.equal(JSON.parse(read(sb, "devenv.lock")).tools.ninja.platforms["linux-x64"].url,
    "https://github.com/ninja-build/ninja/releases/download/v1.11.1/ninja-linux.zip");
});

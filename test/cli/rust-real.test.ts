/**
 * rust against its real 1.86.0 channel manifest (test/fixtures/real/channel-rust-1.86.0.toml, 100
 * rust-std targets, three of them with a dot: thumbv8m.main-none-eabihf). The manifest, not a
 * pattern, decides which targets exist; the lock carries the manifest's own URLs and sha256 for all
 * four platforms. Locking downloads nothing.
 */
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { parse } from "smol-toml";
import { startFakeUpstream, type FakeUpstream } from "../support/fake-upstream.js";
import { assertNoExternalRequests, installNetGuard } from "../support/net-guard.js";
import { assertOk, repoRoot, sandbox } from "../helpers/cli.js";

installNetGuard();
let fake: FakeUpstream;

const MANIFEST = readFileSync(join(repoRoot, "test/fixtures/real/channel-rust-1.86.0.toml"), "utf8");
type Target = { available: boolean; xz_url: string; xz_hash: string };
const pkg = (parse(MANIFEST) as { pkg: Record<string, { target: Record<string, Target> }> }).pkg;

before(async () => {
  // rust-lang/rust's release 1.86.0 (the version list); the channel manifest is the real one.
  fake = await startFakeUpstream({ rust: ["1.86.0"] });
  fake.addFile("/static.rust-lang.org/dist/channel-rust-1.86.0.toml", MANIFEST, "application/toml");
});
after(async () => {
  await fake.close();
  assertNoExternalRequests();
});

const D = "https://static.rust-lang.org/dist/2025-04-03";
const HOSTS = {
  "linux-x64": "x86_64-unknown-linux-gnu",
  "linux-arm64": "aarch64-unknown-linux-gnu",
  "darwin-x64": "x86_64-apple-darwin",
  "darwin-arm64": "aarch64-apple-darwin",
} as const;
/** rustc's tarball per host, as the manifest lists it. */
const RUSTC: Record<string, string> = {
  "linux-x64": "4438b809ce4a083af31ed17aeeedcc8fc60ccffc0625bef1926620751b6989d7",
  "linux-arm64": "ccece9e59546d2e6ff3fc3b8f4b033aab21631c271eefbe814b3cbace6628c6e",
  "darwin-x64": "42b76253626febb7912541a30d3379f463dec89581aad4cb72c6c04fb5a71dc5",
  "darwin-arm64": "23b8f52102249a47ab5bc859d54c9a3cb588a3259ba3f00f557d50edeca4fde9",
};
/** The three extra targets' rust-std (xz), the same file for every host. */
const STD: Record<string, string> = {
  "riscv32imac-unknown-none-elf": "1a722c5ec598c242affdc71eb30ce5738c81210f8bc06e15a429f7b870b03256",
  "riscv64gc-unknown-linux-gnu": "b28b9c2f183521a204f2899610253c11c86ee4aa903fe66d8410dfaa22c926e6",
  "thumbv8m.main-none-eabihf": "e487550480d44a5699116edd6de9d6503ec711b1d7823cb38b28d0b957467c00",
};

const config = (targets: string[]) => `export default {
  platforms: ["linux-x64", "linux-arm64", "darwin-x64", "darwin-arm64"],
  tools: { rust: { version: "1.86.0", targets: ${JSON.stringify(targets)} } },
};
`;

test("the real 1.86.0 manifest locks thumbv8m.main-none-eabihf and the riscv targets with its own URLs and sha256, four platforms", async () => {
  const sb = sandbox(fake.mirrors);
  mkdirSync(sb.project, { recursive: true });
  await sb.writeConfig(config(["thumbv8m.main-none-eabihf", "riscv64gc-unknown-linux-gnu", "riscv32imac-unknown-none-elf"]));
  fake.reset();
  assertOk(await sb.run(["lock"]));
  const entry = JSON.parse(readFileSync(join(sb.project, "devenv.lock"), "utf8")).tools.rust;
  assert.equal(entry.version, "1.86.0");
  assert.deepEqual(entry.options.targets, ["riscv32imac-unknown-none-elf", "riscv64gc-unknown-linux-gnu", "thumbv8m.main-none-eabihf"]);
  for (const [platform, host] of Object.entries(HOSTS)) {
    const a = entry.platforms[platform];
    assert.equal(a.url, `${D}/rustc-1.86.0-${host}.tar.xz`, platform);
    assert.equal(a.sha256, RUSTC[platform], platform);
    assert.equal(a.format, "tar.xz");
    const parts = a.parts as { name: string; url: string; sha256: string; format: string; dir: string }[];
    assert.deepEqual(parts.map((p) => p.name), ["cargo", `rust-std-${host}`, ...Object.keys(STD).map((t) => `rust-std-${t}`)], platform);
    assert.equal(parts[0]!.url, `${D}/cargo-1.86.0-${host}.tar.xz`);
    assert.equal(parts[0]!.sha256, pkg.cargo!.target[host]!.xz_hash);
    assert.equal(parts[1]!.sha256, pkg["rust-std"]!.target[host]!.xz_hash);
    for (const [i, [target, sha]] of Object.entries(STD).entries()) {
      const part = parts[2 + i]!;
      assert.equal(part.url, `${D}/rust-std-1.86.0-${target}.tar.xz`, `${platform} ${target}`);
      assert.equal(part.sha256, sha, `${platform} ${target}`);
      assert.equal(part.sha256, pkg["rust-std"]!.target[target]!.xz_hash);
      assert.equal(part.dir, `_parts/rust-std-${target}`);
    }
  }
  assert.equal(fake.count(/\.tar\.(xz|gz)$/), 0, "nothing downloaded");

  // The lock it wrote is one devenv takes back: outdated checks the entry as every install does
  // (URLs with a dotted target pass the lock check).
  const o = await sb.run(["outdated", "--json"]);
  assertOk(o);
  assert.deepEqual(JSON.parse(o.stdout), [], "1.86.0 is locked and up to date");
});

test("a target the manifest lacks is refused, naming near targets from the manifest", async () => {
  const sb = sandbox(fake.mirrors);
  mkdirSync(sb.project, { recursive: true });
  await sb.writeConfig(config(["thumbv8m.main-none-eabhf"]));
  const r = await sb.run(["lock"]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /rust 1\.86\.0 has no standard library for 'thumbv8m\.main-none-eabhf'/);
  assert.match(r.stderr, /Near names in its channel manifest: thumbv8m\.main-none-eabihf, thumbv8m\.main-none-eabi\b/);
});

test("a target that could not be a name is refused before any manifest is read", async () => {
  const sb = sandbox(fake.mirrors);
  mkdirSync(sb.project, { recursive: true });
  for (const bad of ["../../../etc/passwd-x", "thumbv8m..main-none-eabihf", "x86_64-Unknown-linux-gnu", "riscv64gc"]) {
    await sb.writeConfig(config([bad]));
    fake.reset();
    const r = await sb.run(["lock"]);
    assert.equal(r.code, 1, `${bad}: ${r.stderr}`);
    assert.match(r.stderr, /is not a target name/, bad);
    assert.equal(fake.count(/channel-rust/), 0, bad);
  }
});

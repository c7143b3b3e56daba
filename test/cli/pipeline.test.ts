/**
 * Every entry point runs the one project pipeline (issue 15, item 1; app/project/sync.ts): it
 * installs under a gc pin and leaves the project registered as a gc root. Copies of that sequence drifted before: `add` and
 * `update` did neither, and a planted mutation removing the hook refresh's pin passed the suite.
 *
 * The pin: zig is in the store but no project holds it (the one that installed it is deleted); the
 * project locks zig and node, and node's download is held by the fake upstream. A `devenv gc` run
 * while the command waits on that download must keep zig, which only the command's pin protects.
 * The root: once the command is done, gc keeps the project's entries because its devenv.lock does
 * ("locked"), not because a cached activation points at them.
 */
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { useFakeUpstream } from "../support/use-fake-upstream.js";
import { assertOk as ok, sandbox, type RunResult, type Sandbox } from "../helpers/cli.js";

const fake = useFakeUpstream({ node: ["20.18.0"], zig: ["0.13.0"] });

const NODE_DOWNLOAD = /\/node-v20\.18\.0-[a-z]+-[a-z0-9]+\.tar\.(xz|gz)$/;
const CONFIG = `export default { tools: { zig: "0.13", node: "20" } };\n`;

interface GcJson {
  removed: Array<{ tool: string; entry: string }>;
  keptEntries: Array<{ entry: string; reason: string; by: string[] }>;
}

async function gcJson(sb: Sandbox): Promise<GcJson> {
  const r = await sb.run(["gc", "--json"], { cwd: sb.home });
  ok(r);
  return JSON.parse(r.stdout) as GcJson;
}

const entryOf = (sb: Sandbox, tool: string) => sb.storeEntries().find((e) => e.endsWith(`-${tool}-${tool === "zig" ? "0.13.0" : "20.18.0"}`));

/** zig (and node, with `node`) in the store, held by no project: the project that installed them is gone. */
async function orphanedInStore(sb: Sandbox, node = false): Promise<string> {
  const seed = join(sb.project, "..", "seed");
  await sb.writeConfig(`export default { tools: { zig: "0.13"${node ? `, node: "20"` : ""} } };\n`, seed);
  ok(await sb.run(["install"], { cwd: seed }));
  const lock = readFileSync(join(seed, "devenv.lock"), "utf8");
  rmSync(seed, { recursive: true });
  assert.ok(entryOf(sb, "zig"));
  return lock;
}

/** gc keeps every entry of the project because the project's devenv.lock names it. */
function assertRoot(sb: Sandbox, r: GcJson, tools: string[]): void {
  const real = realpathSync(sb.project);
  assert.deepEqual(r.removed.filter((e) => tools.includes(e.tool)), [], "gc removed none of the project's tools");
  for (const tool of tools) {
    const entry = entryOf(sb, tool);
    assert.ok(entry, `${tool} is in the store`);
    const kept = r.keptEntries.find((k) => k.entry === entry);
    assert.deepEqual(kept && { reason: kept.reason, by: kept.by }, { reason: "locked", by: [real] }, `${tool} is kept by the project's devenv.lock (the project is a gc root)`);
  }
}

const acts = (sb: Sandbox) => join(sb.home, "state", "activations");

/** Each entry point that installs: how to set the project up, and the command. */
const installing: Array<{ name: string; setup: (sb: Sandbox) => Promise<void>; args: (sb: Sandbox) => string[]; env?: NodeJS.ProcessEnv }> = [
  { name: "install", setup: (sb) => sb.writeConfig(CONFIG), args: () => ["install"] },
  { name: "exec", setup: (sb) => sb.writeConfig(CONFIG), args: () => ["exec", "node", "--version"] },
  { name: "env", setup: (sb) => sb.writeConfig(CONFIG), args: () => ["env", "--json"] },
  { name: "which", setup: (sb) => sb.writeConfig(CONFIG), args: () => ["which", "node"] },
  { name: "shell", setup: (sb) => sb.writeConfig(CONFIG), args: () => ["shell"], env: { SHELL: "/bin/sh" } },
  { name: "add", setup: async (sb) => void mkdirSync(sb.project, { recursive: true }), args: () => ["add", "zig@0.13", "node@20"] },
  { name: "update", setup: (sb) => sb.writeConfig(CONFIG), args: () => ["update"] },
  { name: "the hook's refresh (hook-env)", setup: (sb) => sb.writeConfig(CONFIG), args: (sb) => ["hook-env", "--activations", acts(sb), "--", sb.project] },
];

for (const ep of installing) {
  test(`${ep.name} installs under a gc pin (a gc during its download keeps what it will use) and leaves the project a gc root`, async () => {
    const sb = sandbox(fake.mirrors);
    await orphanedInStore(sb);
    await ep.setup(sb);
    const zig = entryOf(sb, "zig")!;
    const hold = fake.hold(NODE_DOWNLOAD);
    let run: Promise<RunResult> | undefined;
    try {
      run = sb.run(ep.args(sb), ep.env ? { env: ep.env } : {});
      await Promise.race([hold.arrived, run.then((r) => assert.fail(`${ep.name} ended before downloading node: ${r.code}\n${r.stderr}`))]);
      // The command is waiting for node's bytes; zig is found in the store and only its pin keeps it.
      const during = await gcJson(sb);
      assert.deepEqual(during.removed.map((e) => e.tool), [], "gc removed nothing the command is about to use");
      assert.equal(during.keptEntries.find((k) => k.entry === zig)?.reason, "pinned", "zig is kept because the command pinned it");
    } finally {
      hold.release();
    }
    ok(await run);
    assertRoot(sb, await gcJson(sb), ["zig", "node"]);
  });
}

/**
 * Commands that write devenv.lock without installing: the project becomes a gc root of what the store
 * already has (a clone of a project whose tools another checkout installed).
 */
const recording: Array<{ name: string; setup: (sb: Sandbox, lock: string) => Promise<void>; args: string[]; keeps: string[] }> = [
  {
    name: "remove",
    setup: async (sb, lock) => {
      await sb.writeConfig(CONFIG);
      writeFileSync(join(sb.project, "devenv.lock"), lock);
    },
    args: ["remove", "node"],
    keeps: ["zig"],
  },
  { name: "lock", setup: (sb) => sb.writeConfig(CONFIG), args: ["lock"], keeps: ["zig", "node"] },
  { name: "add --no-install", setup: async (sb) => void mkdirSync(sb.project, { recursive: true }), args: ["add", "--no-install", "zig@0.13", "node@20"], keeps: ["zig", "node"] },
  { name: "update --no-install", setup: (sb) => sb.writeConfig(CONFIG), args: ["update", "--no-install"], keeps: ["zig", "node"] },
];

for (const ep of recording) {
  test(`${ep.name} leaves the project a gc root of the tools the store has`, async () => {
    const sb = sandbox(fake.mirrors);
    const lock = await orphanedInStore(sb, true);
    await ep.setup(sb, lock);
    ok(await sb.run(ep.args));
    const r = await gcJson(sb);
    assertRoot(sb, r, ep.keeps);
    if (ep.name === "remove") assert.deepEqual(r.removed.map((e) => e.tool), ["node"], "the removed tool is no longer kept");
  });
}

test("a command that installs touches the stamp (shells that showed 'not installed' look again); the hook's refresh and a run that installs nothing do not", async () => {
  const sb = sandbox(fake.mirrors);
  const stamp = join(sb.home, "state", "stamp");
  const mtime = () => statSync(stamp, { throwIfNoEntry: false })?.mtimeMs;
  await sb.writeConfig(`export default { tools: { zig: "0.13" } };\n`);
  ok(await sb.run(["hook-env", "--activations", acts(sb), "--", sb.project]));
  assert.ok(entryOf(sb, "zig"), "the hook's refresh installed zig");
  assert.equal(mtime(), undefined, "the hook's refresh leaves the stamp: the activation it wrote is what shells read");
  await sb.writeConfig(CONFIG);
  ok(await sb.run(["exec", "node", "--version"]));
  const touched = mtime();
  assert.ok(touched !== undefined, "exec installed node and touched the stamp");
  ok(await sb.run(["exec", "node", "--version"]));
  assert.equal(mtime(), touched, "nothing installed, nothing touched");
});

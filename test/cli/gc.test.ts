/**
 * `devenv gc` and `devenv store ls` as a user runs them: real installs from the fake upstream,
 * real processes racing, a gc killed mid-way, a shell's cached activation.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { readReceipt } from "../../src/store/receipt.js";
import { fmtBytes } from "../../src/cli/progress.js";
import { assertOk, devenvBin, sandbox, type Sandbox } from "../helpers/cli.js";
import { useFakeUpstream } from "../support/use-fake-upstream.js";
import { waitFor } from "../support/wait.js";

const fake = useFakeUpstream({ node: ["20.18.0", "22.11.0"], zig: ["0.13.0"] });

const entryOf = (sb: Sandbox, tool: string) => sb.storeEntries().find((e) => e.endsWith(`-${tool}`) || e.includes(`-${tool}-`));
const sizeOf = (sb: Sandbox, entry: string) =>
  readReceipt(join(sb.home, "store", entry))!.files.reduce((n, f) => n + (f.type === "file" ? f.size ?? 0 : 0), 0);

async function twoProjects(sb: Sandbox): Promise<{ a: string; b: string }> {
  const a = join(sb.project, "..", "a");
  const b = join(sb.project, "..", "b");
  await sb.writeConfig(`export default { tools: { node: "20" } };\n`, a);
  assertOk(await sb.run(["install"], { cwd: a }));
  await sb.writeConfig(`export default { tools: { node: "20", zig: "0.13" } };\n`, b);
  assertOk(await sb.run(["install"], { cwd: b }));
  return { a, b };
}

test("done when: two projects share node@20, one has zig; after deleting the zig project gc removes exactly zig's entry and says how much it freed", async () => {
  const sb = sandbox(fake.mirrors);
  const { a, b } = await twoProjects(sb);
  assert.equal(sb.storeEntries().length, 2, "node is shared");
  const zig = entryOf(sb, "zig")!;
  const node = entryOf(sb, "node")!;
  const zigSize = sizeOf(sb, zig);
  assert.ok(zigSize > 0);
  rmSync(b, { recursive: true });

  const dry = await sb.run(["gc", "--dry-run"], { cwd: a });
  assertOk(dry);
  const lines = dry.stdout.trim().split("\n");
  const removals = lines.filter((l) => l.startsWith("would remove"));
  assert.deepEqual(removals, [`would remove zig 0.13.0  ${fmtBytes(zigSize)}  (last used ${new Date().toISOString().slice(0, 10)})  ${zig}`]);
  assert.match(dry.stdout, new RegExp(`would free ${fmtBytes(zigSize).replace(".", "\\.")} \\(1 entry\\); kept 1 entry \\(1 in a project's devenv.lock\\)`));
  assert.match(dry.stdout, /project gone: .*\/b /);
  // A dry run names what it keeps and for whom (the count alone said nothing of which).
  const kept = lines.filter((l) => l.startsWith("kept "));
  assert.deepEqual(kept.map((l) => l.replace(/ {2}\S+$/, "")), [`kept ${node.slice(33)}  (in the devenv.lock of ${realpathSync(a)})`]);
  assert.ok(kept[0]!.endsWith(`  ${node}`), kept[0]);
  assert.deepEqual(sb.storeEntries(), [node, zig].sort(), "dry run deletes nothing");
  const json = JSON.parse((await sb.run(["gc", "--dry-run", "--json"], { cwd: a })).stdout);
  assert.deepEqual(json.removed.map((e: { tool: string; version: string; size: number; entry: string }) => [e.tool, e.version, e.size, e.entry]), [["zig", "0.13.0", zigSize, zig]]);
  assert.equal(json.freed, zigSize);

  const real = await sb.run(["gc"], { cwd: a });
  assertOk(real);
  assert.doesNotMatch(real.stdout, /^kept /m, "only --verbose and --dry-run list what is kept");
  assert.match(real.stdout, new RegExp(`^removed zig 0\\.13\\.0  ${fmtBytes(zigSize).replace(".", "\\.")} `, "m"));
  assert.match(real.stdout, new RegExp(`freed ${fmtBytes(zigSize).replace(".", "\\.")} \\(1 entry\\)`));
  assert.deepEqual(sb.storeEntries(), [node]);

  const requests = fake.requests.length;
  const run = await sb.run(["exec", "node", "--version"], { cwd: a });
  assertOk(run);
  assert.equal(run.stdout.trim(), "v20.18.0");
  assert.equal(fake.requests.length, requests, "no download");
  const again = await sb.run(["gc"], { cwd: a });
  assertOk(again);
  assert.match(again.stdout, /^nothing to remove; kept 1 entry/m);
  assert.doesNotMatch(again.stdout, /removed/);
});

test("store ls: entries with sizes, the projects that use them and last use; --json", async () => {
  const sb = sandbox(fake.mirrors);
  const { a, b } = await twoProjects(sb);
  const ls = await sb.run(["store", "ls"], { cwd: a });
  assertOk(ls);
  const zig = entryOf(sb, "zig")!;
  const row = ls.stdout.split("\n").find((l) => l.startsWith("zig "))!;
  assert.ok(row.includes(fmtBytes(sizeOf(sb, zig))) && row.includes(zig) && row.includes(b.replace("/project/..", "")), row);
  const nodeRow = ls.stdout.split("\n").find((l) => l.startsWith("node "))!;
  assert.match(nodeRow, /\/a, .*\/b /);
  assert.match(ls.stdout, /^2 entries, .*; 0 unused/m);
  rmSync(b, { recursive: true });
  const json = JSON.parse((await sb.run(["store", "ls", "--json"], { cwd: a })).stdout) as Array<{ tool: string; projects: string[]; size: number }>;
  assert.deepEqual(json.map((r) => [r.tool, r.projects.length]).sort(), [["node", 1], ["zig", 0]]);
  assert.ok(existsSync(join(sb.home, "store", zig)), "store ls changes nothing");
});

test("an entry a shell's cached activation points at survives until that project's activation moves on", async () => {
  const sb = sandbox(fake.mirrors);
  const acts = join(sb.home, "state", "activations");
  const p = join(sb.project, "..", "shellproj");
  await sb.writeConfig(`export default { tools: { node: "20" } };\n`, p);
  assertOk(await sb.run(["hook-env", "--activations", acts, "--", p], { cwd: p }));
  const node20 = entryOf(sb, "node")!;
  // The lock moves to node 22 (as a git pull would) and 22 is installed; no prompt has refreshed the activation yet.
  await sb.writeConfig(`export default { tools: { node: "22" } };\n`, p);
  assertOk(await sb.run(["install"], { cwd: p }));
  const kept = await sb.run(["gc", "--json"], { cwd: p });
  assertOk(kept);
  const r = JSON.parse(kept.stdout);
  assert.deepEqual(r.removed, []);
  assert.equal(r.kept.active, 1);
  assert.ok(existsSync(join(sb.home, "store", node20)));
  // The next prompt refreshes the activation to node 22: now 20 is free.
  assertOk(await sb.run(["hook-env", "--activations", acts, "--", p], { cwd: p }));
  const freed = JSON.parse((await sb.run(["gc", "--json"], { cwd: p })).stdout);
  assert.deepEqual(freed.removed.map((e: { tool: string; version: string }) => `${e.tool}@${e.version}`), ["node@20.18.0"]);
});

test("an install waits while a gc holds the store, then finds or reinstalls what it needs", async () => {
  const sb = sandbox(fake.mirrors);
  const { a } = await twoProjects(sb);
  const sleeper = spawn("sleep", ["60"]);
  const lock = join(sb.home, "store", ".locks", "gc.lock");
  writeFileSync(lock, `${sleeper.pid}\n`);
  try {
    const child = spawn(process.execPath, [devenvBin, "exec", "node", "--version"], { cwd: a, env: sb.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((r) => child.on("close", (code) => r(code)));
    // It says it waits, and it does: nothing has run, it has not exited.
    await waitFor("exec to say it waits for the gc", () => /waiting for 'devenv gc' to finish/.test(stderr) || child.exitCode !== null);
    assert.match(stderr, /waiting for 'devenv gc' to finish/, `exec did not wait (exit ${child.exitCode})\n${stderr}`);
    assert.equal(stdout, "", "exec does not run while a gc holds the store");
    assert.equal(child.exitCode, null);
    sleeper.kill();
    rmSync(lock);
    assert.equal(await exited, 0, stderr);
    assert.equal(stdout.trim(), "v20.18.0");
  } finally {
    sleeper.kill();
  }
});

test("gc while an install is downloading keeps the install's temp dir and lock; the new entry survives", async () => {
  const sb = sandbox(fake.mirrors);
  const p = join(sb.project, "..", "slow");
  await sb.writeConfig(`export default { tools: { zig: "0.13" } };\n`, p);
  assertOk(await sb.run(["lock"], { cwd: p }));
  const lock = JSON.parse(readFileSync(join(p, "devenv.lock"), "utf8"));
  const size = Object.values(lock.tools.zig.platforms as Record<string, { size: number }>)[0]!.size;
  fake.slow(/zig-.*\.tar\.xz$/, Math.ceil(size / 3)); // about 3 s
  try {
    const install = sb.run(["install", "--frozen"], { cwd: p });
    const store = join(sb.home, "store");
    for (let i = 0; i < 200 && !readdirSafe(store).some((n) => n.startsWith(".tmp-")); i++) await new Promise((r) => setTimeout(r, 25));
    assert.ok(readdirSafe(store).some((n) => n.startsWith(".tmp-")), "the install is under way");
    const gc = await sb.run(["gc", "--json"], { cwd: p });
    assertOk(gc);
    assert.deepEqual(JSON.parse(gc.stdout).leftovers, [], "a live install's temp dir is not a leftover");
    assertOk(await install);
  } finally {
    fake.reset();
  }
  const zig = entryOf(sb, "zig")!;
  assertOk(await sb.run(["gc"], { cwd: p }));
  assert.ok(existsSync(join(sb.home, "store", zig)), "the installed project keeps its entry");
  assert.equal((await sb.run(["exec", "zig", "version"], { cwd: p })).stdout.trim(), "0.13.0");
});

test("gc and installs racing: every install ends with its entry present and runnable", async (t) => {
  const sb = sandbox(fake.mirrors);
  const { a, b } = await twoProjects(sb);
  const lockText = readFileSync(join(b, "devenv.lock"), "utf8");
  rmSync(b, { recursive: true });
  let removedDuringRace = 0;
  for (let i = 0; i < 5; i++) {
    // zig's entry is unreferenced now; a new project locking it installs while a gc runs.
    const d = join(sb.project, "..", `race${i}`);
    await sb.writeConfig(`export default { tools: { node: "20", zig: "0.13" } };\n`, d);
    writeFileSync(join(d, "devenv.lock"), lockText);
    // gc starts 0–600 ms after the install, so the two meet at different points of it.
    const delayed = new Promise((r) => setTimeout(r, i * 150)).then(() => sb.run(["gc", "--json"], { cwd: a }));
    const [install, gc] = await Promise.all([sb.run(["install", "--frozen"], { cwd: d }), delayed]);
    assertOk(install);
    assertOk(gc);
    removedDuringRace += JSON.parse(gc.stdout).removed.length;
    const run = await sb.run(["exec", "zig", "version"], { cwd: d });
    assertOk(run);
    assert.equal(run.stdout.trim(), "0.13.0");
    assert.ok(entryOf(sb, "zig"), `iteration ${i}: zig is in the store`);
    rmSync(d, { recursive: true });
  }
  t.diagnostic(`gc removed zig before the install pinned it in ${removedDuringRace} of 5 races (the others kept it)`);
});

test("a gc killed while deleting leaves no half-deleted entry; the next gc finishes the job", async () => {
  const sb = sandbox(fake.mirrors);
  const { a } = await twoProjects(sb);
  // A big unused entry: 20,000 files.
  const big = `${"b".repeat(32)}-big-1.0.0`;
  const dir = join(sb.home, "store", big);
  for (let d = 0; d < 100; d++) {
    mkdirSync(join(dir, `d${d}`), { recursive: true });
    for (let f = 0; f < 200; f++) writeFileSync(join(dir, `d${d}`, `f${f}`), "x");
  }
  const store = join(sb.home, "store");
  const gc = runDevenvKillable(sb, ["gc"], a);
  let sawTrash = false;
  for (let i = 0; i < 2000 && !sawTrash; i++) {
    // The trash dir is made first and the entry moved into it next: wait for the entry inside it.
    sawTrash = readdirSafe(store).some((n) => n.startsWith(".trash-") && readdirSafe(join(store, n)).includes(big));
    if (!sawTrash) await new Promise((r) => setTimeout(r, 2));
  }
  gc.kill();
  await gc.done;
  assert.ok(sawTrash, "the gc got as far as moving the entry aside");
  assert.ok(!sb.storeEntries().includes(big), "the entry is not visible, half-deleted or not");
  const next = await sb.run(["gc"], { cwd: a });
  assertOk(next);
  assert.deepEqual(readdirSafe(store).filter((n) => n.startsWith(".trash-")), []);
  if (existsSync(dir)) assert.fail("entry reappeared");
});

function readdirSafe(d: string): string[] {
  try {
    return readdirSync(d);
  } catch {
    return [];
  }
}

/** Start devenv; `kill()` sends SIGKILL (no clean-up handlers run). */
function runDevenvKillable(sb: Sandbox, args: string[], cwd: string): { kill(): void; done: Promise<void> } {
  const child = spawn(process.execPath, [devenvBin, ...args], { cwd, env: sb.env, stdio: "ignore" });
  return { kill: () => child.kill("SIGKILL"), done: new Promise((r) => child.on("exit", () => r())) };
}

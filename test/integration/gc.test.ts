/**
 * `runGc` over a store with many entries and registered projects (built on disk as installs leave
 * them): exactly the entries no live project references go, with their sizes; deleted projects
 * stop keeping anything; pins, install locks, active shells and recent use keep entries; leftovers
 * of interrupted installs and gcs are cleaned; a second gc frees nothing.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, renameSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { createContext } from "../../src/app/context.js";
import { runGc } from "../../src/app/gc/run.js";
import { parseDuration } from "../../src/app/gc/plan.js";
import { encodeActivation } from "../../src/shell/activation.js";
import { activationsRoot, writeActivation } from "../../src/state/activations.js";
import { scanRoots } from "../../src/state/roots.js";
import { listEntries } from "../../src/store/entries.js";
import { touchUsed } from "../../src/store/usage.js";
import { buildGcFixture, type GcFixture } from "../support/gc-fixture.js";

const base = () => realpathSync(mkdtempSync(join(tmpdir(), "devenv-gc-")));
const ctxFor = (f: GcFixture) => createContext({ env: { HOME: join(f.store, "../.."), DEVENV_HOME: join(f.store, "..") } });
const names = (f: GcFixture) => listEntries(f.store, { receipts: false }).map((e) => e.name);

/** A pid that is not running: a child that has exited. */
function deadPid(): number {
  const r = spawnSync("true");
  return r.pid!;
}

test("removes exactly the unreferenced entries, reports each size and the total; a second gc frees nothing", async () => {
  const f = await buildGcFixture(base(), { entries: 300, roots: 40, perRoot: 5, referenced: 150 });
  const r = await runGc(ctxFor(f));
  const expected = f.entries.slice(150);
  assert.deepEqual(r.removed.map((e) => e.entry).sort(), [...expected].sort());
  for (const e of r.removed) {
    assert.equal(e.size, f.entrySize);
    assert.equal(e.reason, "unused");
    assert.match(e.tool, /^t\d+$/);
  }
  assert.equal(r.freed, 150 * f.entrySize);
  assert.equal(r.kept.entries, 150);
  assert.equal(r.kept.locked, 150);
  assert.deepEqual(names(f), f.entries.slice(0, 150).sort());
  assert.deepEqual(readdirSync(f.store).filter((n) => n.startsWith(".trash-") || n.startsWith(".tmp-")), [], "trash deleted");
  const again = await runGc(ctxFor(f));
  assert.deepEqual(again.removed, []);
  assert.deepEqual(again.leftovers, []);
  assert.equal(again.freed, 0);
});

test("deleted and lock-less projects stop keeping entries; entries shared with a live project stay; dry run changes nothing", async () => {
  const f = await buildGcFixture(base(), { entries: 120, roots: 30, perRoot: 6, referenced: 120 });
  const gone = f.projects.filter((_, i) => i % 3 === 0);
  for (const [i, p] of gone.entries()) {
    if (i % 2) rmSync(join(p, "devenv.lock"));
    else rmSync(p, { recursive: true });
  }
  const stillUsed = new Set(f.projects.filter((p) => !gone.includes(p)).flatMap((p) => f.refs.get(p)!));
  const expected = f.entries.filter((e) => !stillUsed.has(e)).sort();
  assert.ok(expected.length > 0 && expected.length < 120, `a mix: ${expected.length}`);

  const before = names(f);
  const dry = await runGc(ctxFor(f), { dryRun: true });
  assert.equal(dry.dryRun, true);
  assert.deepEqual(dry.removed.map((e) => e.entry).sort(), expected);
  assert.deepEqual(names(f), before, "dry run deletes nothing");
  assert.equal(scanRoots(f.state, { dryRun: true }).dropped.length, gone.length, "dry run keeps the root records");
  assert.deepEqual(dry.droppedRoots.sort(), [...gone].sort());

  const real = await runGc(ctxFor(f));
  assert.deepEqual(real.removed.map((e) => e.entry).sort(), expected);
  assert.equal(real.freed, dry.freed);
  assert.deepEqual(names(f), f.entries.filter((e) => stillUsed.has(e)).sort());
  assert.equal(scanRoots(f.state, { dryRun: true }).dropped.length, 0, "dropped roots are gone");
});

test("a project whose devenv.lock cannot be read keeps what it last used, with a warning", async () => {
  const f = await buildGcFixture(base(), { entries: 10, roots: 2, perRoot: 3, referenced: 6 });
  writeFileSync(join(f.projects[0]!, "devenv.lock"), "<<<<<<< HEAD\n");
  const r = await runGc(ctxFor(f));
  assert.equal(r.unreadableLocks.length, 1);
  assert.equal(r.unreadableLocks[0]!.path, f.projects[0]);
  assert.match(r.unreadableLocks[0]!.reason, /not valid JSON/);
  assert.deepEqual(r.removed.map((e) => e.entry).sort(), f.entries.slice(6).sort());
});

test("--older-than keeps unreferenced entries used within that time", async () => {
  const f = await buildGcFixture(base(), { entries: 8, roots: 1, perRoot: 2, referenced: 2 });
  // Entries 2, 3 were used an hour ago; 4..7 not since they were installed (a day ago, per the receipt).
  touchUsed(f.store, f.entries.slice(2, 4), new Date(Date.now() - 3_600_000));
  const ctx = ctxFor(f);
  const keepHour = await runGc(ctx, { dryRun: true, olderThanMs: parseDuration("12h") });
  assert.deepEqual(keepHour.removed.map((e) => e.entry).sort(), f.entries.slice(4).sort());
  assert.equal(keepHour.kept.recent, 2);
  const keepAll = await runGc(ctx, { dryRun: true, olderThanMs: parseDuration("2d") });
  assert.deepEqual(keepAll.removed, []);
  assert.equal(keepAll.kept.recent, 6);
  const none = await runGc(ctx, { olderThanMs: parseDuration("30m") });
  assert.equal(none.removed.length, 6);
  assert.ok(none.removed.find((e) => e.entry === f.entries[2])?.lastUsed, "last use reported");
  assert.throws(() => parseDuration("30 days"), /not a duration/);
});

test("pins and install locks of live processes keep entries; those of dead processes do not", async () => {
  const f = await buildGcFixture(base(), { entries: 6, roots: 1, perRoot: 1, referenced: 1 });
  const sleeper = spawn("sleep", ["30"]);
  try {
    const live = sleeper.pid!;
    const dead = deadPid();
    mkdirSync(join(f.store, ".pins"), { recursive: true });
    writeFileSync(join(f.store, ".pins", `${live}-aaaa.json`), JSON.stringify([f.entries[1]]));
    writeFileSync(join(f.store, ".pins", `${dead}-bbbb.json`), JSON.stringify([f.entries[2]]));
    mkdirSync(join(f.store, ".locks"), { recursive: true });
    writeFileSync(join(f.store, ".locks", `${f.entries[3]!.slice(0, 32)}.lock`), `${live}\n`);
    writeFileSync(join(f.store, ".locks", `${f.entries[4]!.slice(0, 32)}.lock`), `${dead}\n`);
    const r = await runGc(ctxFor(f));
    assert.deepEqual(r.removed.map((e) => e.entry).sort(), [f.entries[2], f.entries[4], f.entries[5]].sort());
    assert.equal(r.kept.pinned, 1);
    assert.equal(r.kept.installing, 1);
    assert.deepEqual(readdirSync(join(f.store, ".pins")), [`${live}-aaaa.json`], "the dead pin is cleaned");
    assert.ok(!existsSync(join(f.store, ".locks", `${f.entries[4]!.slice(0, 32)}.lock`)), "the dead lock is cleaned");
  } finally {
    sleeper.kill();
  }
});

test("entries a current activation points at stay; activations of deleted projects are pruned and stop keeping anything", async () => {
  const f = await buildGcFixture(base(), { entries: 5, roots: 1, perRoot: 1, referenced: 1 });
  const act = activationsRoot(f.state);
  const shellProject = join(f.projects[0]!, "..", "open-in-a-shell");
  const deleted = join(f.projects[0]!, "..", "deleted");
  for (const p of [shellProject, deleted]) {
    mkdirSync(p, { recursive: true });
    writeFileSync(join(p, "devenv.ts"), "export default {};\n");
  }
  const activation = (dir: string) =>
    encodeActivation({ status: "ok", message: "", tools: [], dirs: [join(f.store, dir)], plan: { path: [join(f.store, dir, "bin")], prepend: {}, set: {} } });
  writeActivation(act, shellProject, activation(f.entries[1]!), 0);
  writeActivation(act, deleted, activation(f.entries[2]!), 0);
  rmSync(deleted, { recursive: true });
  const r = await runGc(ctxFor(f));
  assert.deepEqual(r.removed.map((e) => e.entry).sort(), f.entries.slice(2).sort());
  assert.equal(r.kept.active, 1);
  assert.deepEqual(r.leftovers.map((l) => [l.kind, l.path]), [["activation", deleted]]);
  assert.ok(!existsSync(act + deleted), "the deleted project's activation dir is removed");
  assert.ok(existsSync(act + shellProject), "the live one stays");
});

test("leftovers: temp dirs and trash of dead processes, stale version lists; an interrupted gc's trash never shows as an entry", async () => {
  const f = await buildGcFixture(base(), { entries: 3, roots: 1, perRoot: 3, referenced: 3 });
  const dead = deadPid();
  const tmp = join(f.store, `.tmp-abcdefgh-${dead}-0a0b`);
  mkdirSync(join(tmp, "u"), { recursive: true });
  writeFileSync(join(tmp, "u", "partial"), Buffer.alloc(5000));
  const liveTmp = join(f.store, `.tmp-abcdefgh-${process.pid}-0c0d`);
  mkdirSync(liveTmp);
  // An interrupted gc: an entry already moved into its trash.
  const trash = join(f.store, `.trash-${dead}-1234`);
  mkdirSync(trash);
  renameSync(join(f.store, f.entries[2]!), join(trash, f.entries[2]!));
  assert.ok(!names(f).includes(f.entries[2]!), "a moved-aside entry is not an entry");
  const versions = join(f.store, "..", "cache", "versions");
  mkdirSync(versions, { recursive: true });
  writeFileSync(join(versions, "old.json"), "{}");
  writeFileSync(join(versions, "fresh.json"), "{}");
  const old = (Date.now() - 40 * 86_400_000) / 1000;
  utimesSync(join(versions, "old.json"), old, old);

  const r = await runGc(ctxFor(f));
  assert.deepEqual(r.removed, []);
  const kinds = r.leftovers.map((l) => `${l.kind} ${l.path}`).sort();
  assert.deepEqual(kinds, [`temp ${tmp}`, `trash ${trash}`, `version-list ${join(versions, "old.json")}`].sort());
  assert.equal(r.leftovers.find((l) => l.kind === "temp")!.size, 5000);
  assert.ok(r.leftovers.find((l) => l.kind === "trash")!.size > f.entrySize, "the trashed entry's files and receipt");
  assert.ok(!existsSync(tmp) && !existsSync(trash) && !existsSync(join(versions, "old.json")));
  assert.ok(existsSync(liveTmp), "a live install's temp dir stays");
  assert.ok(existsSync(join(versions, "fresh.json")));
});

test("the hooks' value files: gone after 30 days unless a current activation or a live shell still needs them", async () => {
  const f = await buildGcFixture(base(), { entries: 1, roots: 1, perRoot: 1, referenced: 1 });
  const act = activationsRoot(f.state);
  const proj = join(f.projects[0]!, "..", "big-env");
  mkdirSync(proj, { recursive: true });
  writeFileSync(join(proj, "devenv.ts"), "export default {};\n");
  const current = writeActivation(act, proj, encodeActivation({ status: "ok", message: "", tools: [], dirs: [], plan: { path: [], prepend: {}, set: { BIG: "x" } } }), 0);
  const gen = /\.devenv\.([0-9a-f]{16})\.act$/.exec(current)![1]!;
  const vals = join(f.state, "hook-values");
  mkdirSync(vals, { recursive: true });
  const dead = deadPid();
  const files = {
    currentGen: `o.${gen}.BIG`,
    oldGen: "o.0123456789abcdef.BIG",
    liveShell: `p.${process.pid}.123`,
    deadShell: `p.${dead}.456`,
    recent: `p.${dead}.789`,
    notOurs: "notes.txt",
  };
  const old = (Date.now() - 31 * 86_400_000) / 1000;
  for (const [k, name] of Object.entries(files)) {
    writeFileSync(join(vals, name), "value\0=\0");
    if (k !== "recent") utimesSync(join(vals, name), old, old);
  }
  const r = await runGc(ctxFor(f));
  assert.deepEqual(
    r.leftovers.filter((l) => l.kind === "hook-value").map((l) => l.path).sort(),
    [join(vals, files.oldGen), join(vals, files.deadShell)].sort(),
  );
  assert.deepEqual(readdirSync(vals).sort(), [files.currentGen, files.liveShell, files.recent, files.notOurs].sort());
});

test("an entry directory without a receipt is removed as incomplete unless its install lock is held", async () => {
  const f = await buildGcFixture(base(), { entries: 2, roots: 1, perRoot: 2, referenced: 2 });
  const broken = `${"a".repeat(32)}-broken-1.0.0`;
  mkdirSync(join(f.store, broken, "bin"), { recursive: true });
  writeFileSync(join(f.store, broken, "bin", "x"), "12345");
  mkdirSync(join(f.store, ".locks"), { recursive: true });
  writeFileSync(join(f.store, ".locks", `${"a".repeat(32)}.lock`), `${process.pid}\n`);
  const held = await runGc(ctxFor(f), { dryRun: true });
  assert.deepEqual(held.removed, []);
  assert.equal(held.kept.installing, 1);
  rmSync(join(f.store, ".locks", `${"a".repeat(32)}.lock`));
  const r = await runGc(ctxFor(f));
  assert.deepEqual(r.removed.map((e) => [e.entry, e.reason, e.size]), [[broken, "incomplete", 5]]);
});

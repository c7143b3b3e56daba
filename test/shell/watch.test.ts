/**
 * `devenv watch` with real processes: a watcher started as a user would, a real interactive bash
 * (pty) open in the project with automatic installs in the hook turned off, and tools from the
 * loopback fake upstream. The "done when": a pulled devenv.lock, and an edit of devenv.ts
 * followed by `devenv allow`, are in effect at the shell's next prompt with no command typed.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { devenvBin, sandbox, assertOk, type Sandbox } from "../helpers/cli.js";
import { readWatchStatus } from "../../src/state/watch-status.js";
import { readRoot } from "../../src/state/roots.js";
import { startFakeUpstream, type FakeUpstream } from "../support/fake-upstream.js";
import { assertNoExternalRequests, installNetGuard } from "../support/net-guard.js";
import { shellAvailable, startShell, type ShellKind, type ShellSession } from "../support/shell-session.js";
import { waitFor } from "../support/wait.js";

installNetGuard();
const SYS_PATH = [dirname(process.execPath), "/usr/local/bin", "/usr/bin", "/bin"].filter((d, i, a) => a.indexOf(d) === i).join(":");
const cli = `'${process.execPath}' '${devenvBin}'`;
const hookRc = (kind: ShellKind) => (kind === "fish" ? `${cli} hook fish | source` : `eval "$(${cli} hook ${kind})"`);
const SHELLS: ShellKind[] = ["bash", "zsh", "fish"];
const devenvCmd = `'${process.execPath}' '${devenvBin}'`;

let fake: FakeUpstream;
let sb: Sandbox;
let base: string;
let watcher: { child: ChildProcess; out: () => string } | undefined;
const shells: ShellSession[] = [];

before(async () => {
  fake = await startFakeUpstream({ zig: ["0.13.0", "0.14.1"], node: ["20.18.0"] });
  sb = sandbox(fake.mirrors, { DEVENV_WATCH_DEBOUNCE_MS: "100", DEVENV_WATCH_RETRY_MS: "400" });
  base = realpathSync(dirname(sb.project));
  mkdirSync(sb.env.HOME!, { recursive: true });
});
after(async () => {
  if (process.env.DEVENV_TEST_WATCH_LOG) writeFileSync(process.env.DEVENV_TEST_WATCH_LOG, watcher?.out() ?? "");
  watcher?.child.kill("SIGTERM");
  await Promise.all(shells.map((s) => s.close()));
  await fake?.close();
  assertNoExternalRequests();
});

function startWatcher(): { child: ChildProcess; out: () => string } {
  let out = "";
  const child = spawn(process.execPath, [devenvBin, "watch"], { cwd: base, env: sb.env, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout!.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (out += c.toString()));
  return { child, out: () => out };
}

/** Wait for an event; a timeout shows the watcher's output. */
const waitWatching = <T>(what: string, probe: () => T, timeoutMs = 15_000) =>
  waitFor(what, probe, { timeoutMs, everyMs: 50, detail: () => `watcher output:\n${watcher?.out() ?? "(none)"}` });

/** Start the watcher all tests share (if not yet) and wait until it has made `proj` ready once. */
async function watched(proj: string): Promise<void> {
  watcher ??= startWatcher();
  await waitWatching(`the watcher to make ${proj} ready`, () => logLines(new RegExp(`${proj}: ready`)).length > 0);
}

const logLines = (re: RegExp) => (watcher?.out() ?? "").split("\n").filter((l) => re.test(l));

/** Write a file the way git does on checkout: a new file renamed over the old one. */
function replaceFile(file: string, text: string): void {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

async function bash(cwd: string, kind: ShellKind = "bash"): Promise<ShellSession> {
  const s = await startShell(kind, { env: { ...sb.env, PATH: SYS_PATH, DEVENV_AUTO_INSTALL: "0" }, cwd, rc: hookRc(kind) });
  shells.push(s);
  return s;
}

/**
 * A project whose devenv.ts allows any zig >= 0.13 and whose lock was committed when 0.13.0 was
 * current, installed, watched, with a shell open in it (installs off) that has zig 0.13.0. `newer`
 * is the devenv.lock a teammate's `devenv update` would commit (0.14.1), not installed yet.
 */
async function pulledProject(name: string, kind: ShellKind = "bash"): Promise<{ proj: string; newer: string; s: ShellSession }> {
  const proj = join(base, name);
  await sb.writeConfig(`export default { tools: { zig: ">=0.13" } };\n`, proj);
  writeFileSync(join(proj, "devenv.lock"), await lockFor({ zig: "0.13" }, { zig: ">=0.13" }));
  assertOk(await sb.run(["install", "--frozen"], { cwd: proj }));
  const newer = await lockFor({ zig: ">=0.13" });
  assert.match(newer, /"version": "0\.14\.1"/);
  // An earlier test may have installed 0.14.1: remove it so the watcher must.
  for (const e of sb.storeEntries().filter((n) => n.endsWith("-zig-0.14.1"))) rmSync(join(sb.home, "store", e), { recursive: true });
  await watched(proj);
  const s = await bash(proj, kind);
  assert.equal((await s.run("zig version")).trim(), "0.13.0");
  return { proj, newer, s };
}

/**
 * A devenv.lock for `range` resolved now, made in a scratch project (the way a teammate's commit
 * would have it), with a DEVENV_HOME of its own: in the watched one, the watcher could start
 * installing the scratch project's tools (zig 0.14.1) before the project was deleted, and finish
 * after a test had removed 0.14.1 from the store to make the watcher download it (the flaky test
 * then found it installed: failed once in CI).
 */
async function lockFor(tools: Record<string, string>, request?: Record<string, string>): Promise<string> {
  const d = join(base, `lock-${Math.random().toString(36).slice(2, 8)}`);
  const elsewhere = { DEVENV_HOME: join(base, "scratch-home") };
  mkdirSync(d, { recursive: true });
  writeFileSync(join(d, "devenv.ts"), `export default { tools: ${JSON.stringify(tools)} };\n`);
  assertOk(await sb.run(["allow"], { cwd: d, env: elsewhere }));
  assertOk(await sb.run(["lock"], { cwd: d, env: elsewhere }));
  const lock = JSON.parse(readFileSync(join(d, "devenv.lock"), "utf8"));
  for (const [k, v] of Object.entries(request ?? {})) lock.tools[k].request = v;
  rmSync(d, { recursive: true });
  return JSON.stringify(lock, null, 2) + "\n";
}

for (const kind of SHELLS) {
  test(`done when (${kind}): a pulled devenv.lock pinning a newer version is installed by the watcher and in effect at the next prompt, no command typed`, { skip: !shellAvailable(kind) }, async () => {
    const { proj, newer, s } = await pulledProject(`pulled-${kind}`, kind);

    replaceFile(join(proj, "devenv.lock"), newer); // git pull
    await waitWatching("the watcher to install zig 0.14.1", () => logLines(new RegExp(`${proj}: ready: zig@0\\.14\\.1`)).length > 0);
    // The next prompt: nothing typed but Enter. It applies the new activation without starting devenv.
    const spawned = await s.processesDuring("");
    assert.deepEqual(spawned, [], "the prompt started no process");
    assert.equal((await s.run("zig version")).trim(), "0.14.1");
    assert.deepEqual(readWatchStatus(join(sb.home, "state"))?.projects[proj]?.tools, ["zig@0.14.1"]);
  });
}

test("a fresh clone never installed: cd in, `devenv allow`, and the watcher installs its tools for the next prompt", { skip: !shellAvailable("bash") }, async () => {
  const proj = join(base, "cloned");
  mkdirSync(proj, { recursive: true });
  writeFileSync(join(proj, "devenv.ts"), `export default { tools: { zig: "0.13" } };\n`); // not allowed yet, no lock
  watcher ??= startWatcher();
  await waitWatching("the watcher to run", () => logLines(/watching \d+ project/).length > 0);
  const s = await bash(proj);
  assert.match(s.startup, /not allowed/);
  const out = await s.run(`${devenvCmd} allow`);
  assert.doesNotMatch(out, /not installed|run 'devenv install'/, out);
  assert.equal((await s.run("zig version")).trim(), "0.13.0");
  assert.ok(readRoot(join(sb.home, "state"), realpathSync(proj)), "registered");
  await waitWatching("the watcher to list it", () => readWatchStatus(join(sb.home, "state"))?.projects[realpathSync(proj)]?.state === "ok");
});

test("done when: an edit of devenv.ts followed by `devenv allow` in the shell: the new tool is there at the prompt after it", { skip: !shellAvailable("bash") }, async () => {
  const proj = join(base, "edited");
  await sb.writeConfig(`export default { tools: { zig: "0.13" } };\n`, proj);
  assertOk(await sb.run(["install"], { cwd: proj }));
  await watched(proj);
  const s = await bash(proj);
  assert.equal((await s.run("zig version")).trim(), "0.13.0");

  writeFileSync(join(proj, "devenv.ts"), `export default { tools: { zig: "0.13", node: "20" } };\n`);
  await waitWatching("the watcher to see it is not allowed", () => logLines(new RegExp(`${proj}.*not allowed`)).length > 0);
  const out = await s.run(`${devenvCmd} allow`);
  assert.doesNotMatch(out, /not installed|run 'devenv install'/, out);
  assert.equal((await s.run("node --version")).trim(), "v20.18.0");
  assert.equal((await s.run("zig version")).trim(), "0.13.0");
});

test("Ctrl-C while the prompt waits for the watcher: the shell is back at once with what it had, the watcher goes on, and the next prompt after it is done has the tool", { skip: !shellAvailable("bash") }, async () => {
  const { proj, newer, s } = await pulledProject("impatient");
  const tarball = /zig-.*0\.14\.1.*\.tar\.xz$/;
  // Held, not slowed: however slow the machine, the watcher cannot finish before the prompt looks.
  const hold = fake.hold(tarball);
  try {
    replaceFile(join(proj, "devenv.lock"), newer);
    const prompt = s.run(""); // Enter right after the pull: the prompt finds zig 0.14.1 missing and waits
    await waitWatching("the prompt to wait", () => s.transcript().includes("devenv watch is installing zig 0.14.1 … (Ctrl-C stops waiting"));
    const [out] = await Promise.all([prompt, s.interrupt({ timeoutMs: 10_000 })]);
    assert.match(out, new RegExp(`devenv: ${proj} \\(keeping its last good environment\\): devenv watch is still installing zig 0\\.14\\.1; the first prompt after it is done has them\n$`), JSON.stringify(out));
    assert.deepEqual(await s.processesDuring(""), [], "the next prompt does not wait again");
    assert.equal((await s.run("zig version")).trim(), "0.13.0", "the shell keeps what it had");
  } finally {
    hold.release();
    fake.reset();
  }
  await waitWatching("the watcher to finish", () => logLines(new RegExp(`${proj}: ready: zig@0\\.14\\.1`)).length > 0, 30_000);
  assert.equal(await s.run(""), "");
  assert.equal((await s.run("zig version")).trim(), "0.14.1");
});

test("a broken devenv.ts keeps the last good environment, logged once; a deleted project stops being watched and drops its root", { skip: !shellAvailable("bash") }, async () => {
  const proj = join(base, "broken");
  await sb.writeConfig(`export default { tools: { zig: "0.13" } };\n`, proj);
  assertOk(await sb.run(["install"], { cwd: proj }));
  await watched(proj);
  const s = await bash(proj);
  await sb.writeConfig(`export default { tools: { zig: "0.13" } ;\n`, proj); // syntax error, allowed
  const errorLine = new RegExp(`${proj}: .*(error|Expected)`, "i");
  await waitWatching("the error in the log", () => logLines(errorLine).length > 0);
  const state = join(sb.home, "state");
  const { lastRun } = await waitWatching("the error in the status", () => {
    const p = readWatchStatus(state)?.projects[proj];
    return p?.state === "error" ? p : undefined;
  });
  const shown = await s.run("true");
  assert.match(shown, /keeping its last good environment/);
  assert.equal((await s.run("zig version")).trim(), "0.13.0", "last good environment kept");
  // Saving the same broken content again: refreshed (a later last run), and nothing new logged. A
  // new edit (not allowed yet) then is logged after whatever that refresh logged (one stream, in order).
  writeFileSync(join(proj, "devenv.ts"), readFileSync(join(proj, "devenv.ts")));
  await waitWatching("a refresh after the error", () => readWatchStatus(state)?.projects[proj]?.lastRun !== lastRun);
  writeFileSync(join(proj, "devenv.ts"), `export default { tools: { zig: "0.14" } };\n`);
  const projectLines = () => logLines(new RegExp(`^.{20}${proj}: `));
  const first = projectLines().findIndex((l) => errorLine.test(l));
  await waitWatching("the edit in the log", () => projectLines().slice(first + 1).some((l) => /not allowed/.test(l)));
  const logged = projectLines().slice(first);
  assert.equal(logged.length, 2, `the same error is logged once; after it only the edit:\n${logged.join("\n")}`);

  await s.run("cd /");
  rmSync(proj, { recursive: true });
  await waitWatching("the project to be dropped", () => logLines(new RegExp(`${proj}: project gone`)).length > 0);
  assert.equal(readRoot(join(sb.home, "state"), proj), undefined, "its root record is gone");
  await waitWatching("status without it", () => readWatchStatus(join(sb.home, "state")) && !(proj in readWatchStatus(join(sb.home, "state"))!.projects));
});

test("a failing download is retried later; meanwhile `watch status` and the hook say so in one line, once, and the last good environment stays", { skip: !shellAvailable("bash") }, async () => {
  const { proj, newer, s } = await pulledProject("flaky");
  fake.failNext(/zig-.*0\.14\.1.*\.tar\.xz$/, 1000, 503);
  try {
    replaceFile(join(proj, "devenv.lock"), newer);
    const st = await waitWatching("status retrying", () => {
      const p = readWatchStatus(join(sb.home, "state"))?.projects[proj];
      return p?.state === "retrying" ? p : undefined;
    });
    assert.match(st.message ?? "", /503/);
    assert.ok(!st.message!.includes("\n"));
    assert.ok(Date.parse(st.nextRetry!) > Date.parse(st.lastRun!));
    const status = await sb.run(["watch", "status"], { cwd: proj });
    assertOk(status);
    assert.match(status.stdout.split("\n").find((l) => l.startsWith(proj)) ?? status.stdout, /^\S+\s+retrying\s+zig@0\.13\.0\s+\d+s ago\s+retry (now|in \d+s): .*503/);

    // The shell open in it: one line at its next prompt, its tools unchanged.
    const shown = await s.run("true");
    const lines = shown.split("\n").filter((l) => l.startsWith("devenv:"));
    assert.equal(lines.length, 1, shown);
    assert.match(lines[0]!, new RegExp(`^devenv: ${proj} \\(keeping its last good environment\\): .*503.*devenv watch will retry`));
    assert.equal((await s.run("zig version")).trim(), "0.13.0");
    // The watcher keeps failing (every 400 ms here): once an attempt begun after that prompt has
    // written its activation (its last run published), the same line is not shown again.
    const seen = new Set([readWatchStatus(join(sb.home, "state"))!.projects[proj]!.lastRun]);
    await waitWatching("two more failed attempts (the second started after that prompt)", () => {
      const p = readWatchStatus(join(sb.home, "state"))?.projects[proj];
      if (p?.state === "retrying") seen.add(p.lastRun);
      return seen.size >= 3;
    });
    assert.doesNotMatch(await s.run("true"), /devenv:/);

  } finally {
    fake.reset();
  }
  await waitWatching("the retry to succeed", () => readWatchStatus(join(sb.home, "state"))?.projects[proj]?.state === "ok", 20_000);
  // The prompt after it (Enter) applies the new environment, silently.
  assert.equal(await s.run(""), "");
  assert.equal((await s.run("zig version")).trim(), "0.14.1");
});

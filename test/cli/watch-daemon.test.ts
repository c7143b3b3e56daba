/**
 * `devenv watch --detach | status | stop | --print-service` (issue 6): the real watcher started in
 * the background, found through its pid file, reported, refused a second time, and stopped.
 * Every watcher a test starts is stopped in after(), with SIGKILL as the fallback.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, realpathSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { after, before, test } from "node:test";
import { startFakeUpstream, type FakeUpstream } from "../support/fake-upstream.js";
import { assertNoExternalRequests, installNetGuard } from "../support/net-guard.js";
import { assertOk, devenvBin, sandbox, type Sandbox } from "../helpers/cli.js";
import { waitFor } from "../support/wait.js";
import { decodeActivation } from "../../src/shell/activation.js";
import { activationsRoot, currentActivationFile } from "../../src/state/activations.js";

installNetGuard();
let fake: FakeUpstream;
const sandboxes: Sandbox[] = [];
const watcherPids = new Set<number>();
const children: ChildProcess[] = [];

before(async () => {
  fake = await startFakeUpstream({ node: ["20.18.0"] });
});
after(async () => {
  for (const sb of sandboxes) await sb.run(["watch", "stop"]).catch(() => undefined);
  for (const pid of watcherPids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      /* already gone */
    }
  }
  for (const c of children) c.kill("SIGKILL");
  await fake.close();
  assertNoExternalRequests();
});

/** Gone, or a zombie nobody reaped yet (a detached watcher's parent has exited). */
function gone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    return readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /s, "").startsWith("Z");
  } catch {
    return process.platform === "linux";
  }
}

/** Each probe here may start a `devenv watch status`: at most ten a second. */
// Each probe starts devenv (`watch status`), and the watcher's own refreshes start node too: on a
// loaded machine a state that is a few seconds away idle can take much longer, so the bound is wide.
const until = <T>(what: string, probe: () => T | Promise<T>, timeoutMs = 60_000) => waitFor(what, probe, { timeoutMs, everyMs: 100 });

/**
 * A live process that is not a watcher and tells which signals reach it: sh traps HUP, INT, QUIT,
 * USR1, USR2 and TERM and prints each one's name. `signalsSoFar()` sends it a WINCH and waits for
 * its answer: sh runs pending traps in signal-number order, so a signal sent before (all are
 * numbered below WINCH) is printed before it. Killed (KILL, STOP) it never answers: the wait fails.
 */
function signalWitness() {
  const traps = ["HUP", "INT", "QUIT", "USR1", "USR2", "TERM"].map((s) => `trap 'echo ${s}' ${s}`).join("; ");
  const child = spawn("sh", ["-c", `${traps}; trap 'echo mark' WINCH; echo ready; while :; do sleep 0.05; done`], { stdio: ["ignore", "pipe", "ignore"] });
  children.push(child);
  let out = "";
  child.stdout!.on("data", (c: Buffer) => (out += c.toString()));
  const lines = () => out.split("\n").filter(Boolean);
  let marks = 0;
  return {
    child,
    lines,
    async signalsSoFar(): Promise<string[]> {
      child.kill("SIGWINCH");
      const want = ++marks;
      await until("the witness to answer", () => {
        if (child.exitCode !== null || child.signalCode !== null) assert.fail(`the witness is gone (${child.signalCode ?? child.exitCode}); it said: ${lines().join(" ")}`);
        return lines().filter((l) => l === "mark").length >= want ? true : undefined;
      });
      return lines().filter((l) => l !== "ready" && l !== "mark");
    },
  };
}

function newSandbox(): Sandbox {
  const sb = sandbox(fake.mirrors);
  mkdirSync(sb.project, { recursive: true }); // commands run there
  sandboxes.push(sb);
  return sb;
}

test("watch --detach starts the real watcher; status lists the project; a second one is refused; stop stops it", async () => {
  const sb = newSandbox();
  const state = join(sb.home, "state");
  const pidFile = join(state, "watch", "watch.pid");
  await sb.writeConfig(`export default { tools: { node: "20" } };\n`);
  assertOk(await sb.run(["install"]));
  const project = realpathSync(sb.project);

  const before = await sb.run(["watch", "status"]);
  assert.equal(before.code, 1, before.stdout + before.stderr);
  assert.match(before.stdout, /^devenv watch is not running\n/);
  assert.match(before.stdout, /devenv watch --detach/);

  // A big log from earlier runs is moved aside when a watcher starts.
  const log = join(state, "watch", "watch.log");
  mkdirSync(join(state, "watch"), { recursive: true });
  writeFileSync(log, "old line\n".repeat(600_000));

  const started = await sb.run(["watch", "--detach"]);
  assertOk(started);
  assert.equal(statSync(`${log}.old`).size, 9 * 600_000);
  assert.ok(statSync(log).size < 10_000);
  const m = /running in the background \(pid (\d+)\); log: (.+)\n/.exec(started.stdout);
  assert.ok(m, started.stdout);
  const pid = Number(m[1]);
  watcherPids.add(pid);
  assert.equal(m[2], join(state, "watch", "watch.log"));
  assert.equal(readFileSync(pidFile, "utf8"), `${pid}\n`);
  assert.ok(!gone(pid), "the watcher is alive");
  // It runs in the state dir, never in a project.
  if (process.platform === "linux") assert.equal(realpathSync(`/proc/${pid}/cwd`), realpathSync(state));

  // The watcher publishes the registered project (already installed: ok, with its tools).
  const json = await until("the project in watch status --json", async () => {
    const r = await sb.run(["watch", "status", "--json"]);
    assertOk(r);
    const s = JSON.parse(r.stdout) as { running: boolean; pid: number; log: string; status?: { pid: number; projects: Record<string, { state: string; tools?: string[] }> } };
    return s.status?.pid === pid && s.status.projects[project]?.state === "ok" ? s : undefined;
  });
  assert.equal(json.running, true);
  assert.equal(json.pid, pid);
  assert.equal(json.log, join(state, "watch", "watch.log"));
  assert.deepEqual(json.status!.projects[project]!.tools, ["node@20.18.0"]);

  const status = await sb.run(["watch", "status"]);
  assertOk(status);
  assert.match(status.stdout, new RegExp(`^devenv watch is running \\(pid ${pid}, since \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\)\n`));
  assert.ok(status.stdout.includes(`log: ${join(state, "watch", "watch.log")}\n`), status.stdout);
  assert.match(status.stdout, /^project\s+state\s+tools\s+last run\s+message$/m);
  const row = status.stdout.split("\n").find((l) => l.startsWith(project));
  assert.ok(row, status.stdout);
  assert.match(row, /^\S+\s+ok\s+node@20\.18\.0\s+\d+[smhd] ago$/);

  // One watcher per state dir.
  const second = await sb.run(["watch", "--detach"]);
  assert.equal(second.code, 1, second.stdout + second.stderr);
  assert.match(second.stderr, new RegExp(`devenv watch is already running \\(pid ${pid}\\)`));
  assert.match(second.stderr, /hint: .*devenv watch status.*devenv watch stop/);
  assert.equal(readFileSync(pidFile, "utf8"), `${pid}\n`, "the pid file is untouched");

  const stopped = await sb.run(["watch", "stop"]);
  assertOk(stopped);
  assert.equal(stopped.stdout, `stopped devenv watch (pid ${pid})\n`);
  assert.ok(gone(pid), "the watcher is gone");
  assert.ok(!existsSync(pidFile), "the pid file is removed");

  const after = await sb.run(["watch", "status"]);
  assert.equal(after.code, 1);
  assert.match(after.stdout, /^devenv watch is not running\n/);
  if (existsSync(join(state, "watch", "status.json"))) {
    assert.match(after.stdout, new RegExp(`from a watcher that is no longer running \\(pid ${pid},`));
  }
  const afterJson = await sb.run(["watch", "status", "--json"]);
  assert.equal(afterJson.code, 1);
  assert.equal((JSON.parse(afterJson.stdout) as { running: boolean }).running, false);

  const again = await sb.run(["watch", "stop"]);
  assertOk(again);
  assert.equal(again.stdout, "devenv watch is not running\n");
});

test("a pid file naming a live process that is not a watcher: not running, never signalled, taken over by a new watcher", async () => {
  const sb = newSandbox();
  const state = join(sb.home, "state");
  const pidFile = join(state, "watch", "watch.pid");
  // A stale pid file whose pid now belongs to something else (here a shell of ours that reports signals).
  const witness = signalWitness();
  const other = witness.child;
  await until("the witness to be ready", () => (witness.lines().includes("ready") ? true : undefined));
  const otherPid = other.pid!;
  mkdirSync(join(state, "watch"), { recursive: true });
  writeFileSync(pidFile, `${otherPid}\n`);
  // …and the status that watcher left behind.
  const now = Date.now();
  const iso = (ms: number) => new Date(now + ms).toISOString();
  writeFileSync(
    join(state, "watch", "status.json"),
    JSON.stringify({
      pid: otherPid,
      startedAt: iso(-3_600_000),
      updatedAt: iso(-120_000),
      projects: {
        "/work/b-project": { state: "error", lastRun: iso(-180_000), message: "devenv.ts: syntax error\n  at line 3", tools: ["node@20.18.0"] },
        "/work/a-project": { state: "retrying", lastRun: iso(-120_000), nextRetry: iso(600_000), message: "download failed: HTTP 503" },
      },
    }),
  );

  const status = await sb.run(["watch", "status"]);
  assert.equal(status.code, 1);
  assert.match(status.stdout, /^devenv watch is not running\n/);
  assert.match(status.stdout, new RegExp(`from a watcher that is no longer running \\(pid ${otherPid}, last updated 2m ago\\)`));
  const rows = status.stdout.split("\n").filter((l) => l.startsWith("/work/"));
  assert.equal(rows.length, 2, status.stdout);
  assert.match(rows[0]!, /^\/work\/a-project\s+retrying\s+-\s+2m ago\s+retry in (9|10)m: download failed: HTTP 503$/);
  assert.match(rows[1]!, /^\/work\/b-project\s+error\s+node@20\.18\.0\s+3m ago\s+devenv\.ts: syntax error$/);
  assert.ok(!status.stdout.includes("at line 3"), "only the message's first line");
  const json = await sb.run(["watch", "status", "--json"]);
  assert.equal(json.code, 1);
  const parsed = JSON.parse(json.stdout) as { running: boolean; pid?: number; status?: { pid: number } };
  assert.equal(parsed.running, false);
  assert.equal(parsed.pid, undefined);
  assert.equal(parsed.status?.pid, otherPid);

  const stop = await sb.run(["watch", "stop"]);
  assertOk(stop);
  assert.equal(stop.stdout, "devenv watch is not running\n");
  assert.deepEqual(await witness.signalsSoFar(), [], "the unrelated process was not signalled");

  // A new watcher takes the file over (the process it names is not a watcher) and leaves that process alone.
  const start = await sb.run(["watch", "--detach"]);
  assertOk(start);
  const pid = Number(/\(pid (\d+)\)/.exec(start.stdout)?.[1]);
  watcherPids.add(pid);
  assert.notEqual(pid, otherPid);
  assert.equal(readFileSync(pidFile, "utf8"), `${pid}\n`);
  assertOk(await sb.run(["watch", "stop"]));
  assert.ok(gone(pid));
  assert.deepEqual(await witness.signalsSoFar(), [], "the unrelated process was not signalled");
  other.kill("SIGKILL");
});

test("a watcher started before any project exists picks up projects as they register, nested ones too", async () => {
  const sb = newSandbox();
  const state = join(sb.home, "state");
  const started = await sb.run(["watch", "--detach"]);
  assertOk(started);
  const pid = Number(/\(pid (\d+)\)/.exec(started.stdout)?.[1]);
  watcherPids.add(pid);
  const projectsIn = async () => {
    const r = await sb.run(["watch", "status", "--json"]);
    return (JSON.parse(r.stdout) as { status?: { pid: number; projects: Record<string, { state: string }> } }).status;
  };
  await until("the first status", async () => ((await projectsIn())?.pid === pid ? true : undefined));

  await sb.writeConfig(`export default { tools: { node: "20" } };\n`);
  assertOk(await sb.run(["install"]));
  const outer = realpathSync(sb.project);
  await until("the project listed ok", async () => ((await projectsIn())?.projects[outer]?.state === "ok" ? true : undefined));

  const nested = join(sb.project, "sub");
  await sb.writeConfig(`export default { env: { WHERE: "inner" } };\n`, nested);
  assertOk(await sb.run(["install"], { cwd: nested }));
  const inner = realpathSync(nested);
  await until("the nested project listed ok", async () => ((await projectsIn())?.projects[inner]?.state === "ok" ? true : undefined));
  // …and watched: a denied edit of its devenv.ts shows in its state.
  writeFileSync(join(nested, "devenv.ts"), `export default { env: { WHERE: "edited" } };\n`);
  await until("the nested edit seen", async () => ((await projectsIn())?.projects[inner]?.state === "blocked" ? true : undefined));
  assert.equal((await projectsIn())?.projects[outer]?.state, "ok");
  assertOk(await sb.run(["watch", "stop"]));
});

test("the watcher watches the files devenv.ts imports: an edit to one (in the project dir or below) is refreshed like an edit to devenv.ts", async () => {
  const sb = newSandbox();
  const started = await sb.run(["watch", "--detach"]);
  assertOk(started);
  const pid = Number(/\(pid (\d+)\)/.exec(started.stdout)?.[1]);
  watcherPids.add(pid);
  const stateOf = async (root: string) => {
    const r = await sb.run(["watch", "status", "--json"]);
    return (JSON.parse(r.stdout) as { status?: { projects: Record<string, { state: string; message?: string; lastRun?: string }> } }).status?.projects[root];
  };
  /**
   * The project ok and no refresh pending: its last run unchanged over 1.5 s (the debounce is 300 ms).
   * Otherwise a refresh already scheduled (by install's lock write, allow's stamp) could see the
   * edit that follows without the watcher watching the edited file.
   */
  const settled = async (root: string, what: string) => {
    let last: string | undefined;
    await until(what, async () => {
      const st = await stateOf(root);
      const run = st?.state === "ok" ? st.lastRun : undefined;
      const same = run !== undefined && run === last;
      last = run;
      if (!same) await sleep(1500);
      return same ? true : undefined;
    }, 30_000);
  };
  mkdirSync(join(sb.project, "lib"), { recursive: true });
  writeFileSync(join(sb.project, "lib", "deep.ts"), `export const deep = "one";\n`);
  writeFileSync(join(sb.project, "near.ts"), `export { deep } from "./lib/deep";\n`);
  writeFileSync(join(sb.project, "devenv.ts"), `import { deep } from "./near";\nexport default { env: { DEEP: deep } };\n`);
  assertOk(await sb.run(["allow"]));
  assertOk(await sb.run(["install"]));
  const root = realpathSync(sb.project);
  await settled(root, "the project listed ok, nothing pending");

  for (const [file, value] of [[join("lib", "deep.ts"), "two"], ["near.ts", "three"]] as const) {
    writeFileSync(join(sb.project, file), `export const deep = "${value}";\n`);
    const blocked = await until(`the edit of ${file} seen`, async () => {
      const st = await stateOf(root);
      return st?.state === "blocked" ? st : undefined;
    });
    assert.match(blocked.message ?? "", new RegExp(`changed: ${file.replace(".", "\\.")}`));
    assertOk(await sb.run(["allow"]));
    await settled(root, `allowed again after ${file}, nothing pending`);
    const act = decodeActivation(readFileSync(currentActivationFile(activationsRoot(join(sb.home, "state")), root)!, "utf8"))!;
    assert.equal(act.plan.set.DEEP, value, `the activation has the new value of ${file}`);
  }
  assertOk(await sb.run(["watch", "stop"]));
});

test("a devenv.ts that never returns or exits the process cannot take the watcher down: it is stopped and reported, other projects go on", async () => {
  const sb = sandbox(fake.mirrors, { DEVENV_WATCH_TIMEOUT_MS: "1500", DEVENV_WATCH_DEBOUNCE_MS: "50" });
  mkdirSync(sb.project, { recursive: true });
  sandboxes.push(sb);
  const state = join(sb.home, "state");
  const other = join(sb.project, "..", "other");
  await sb.writeConfig(`export default { env: { X: "1" } };\n`);
  await sb.writeConfig(`export default { env: { X: "1" } };\n`, other);
  assertOk(await sb.run(["install"]));
  assertOk(await sb.run(["install"], { cwd: other }));
  const [a, b] = [realpathSync(sb.project), realpathSync(other)];
  const started = await sb.run(["watch", "--detach"]);
  assertOk(started);
  const pid = Number(/\(pid (\d+)\)/.exec(started.stdout)?.[1]);
  watcherPids.add(pid);
  const projectState = async (root: string) => {
    const r = await sb.run(["watch", "status", "--json"]);
    return (JSON.parse(r.stdout) as { status?: { projects: Record<string, { state: string; message?: string }> } }).status?.projects[root];
  };
  const xOf = (root: string) => {
    const file = currentActivationFile(activationsRoot(state), root);
    return file ? decodeActivation(readFileSync(file, "utf8"))?.plan.set.X : undefined;
  };
  await until("both ok", async () => ((await projectState(a))?.state === "ok" && (await projectState(b))?.state === "ok" ? true : undefined));

  await sb.writeConfig(`while (true) {}\nexport default {};\n`);
  const hung = await until("the hung refresh reported", async () => {
    const st = await projectState(a);
    return st?.state === "error" ? st : undefined;
  });
  assert.match(hung.message ?? "", /refreshing took longer than 2 s and was stopped/);
  assert.equal(xOf(a), "1", "its last activation stays");

  await sb.writeConfig(`process.exit(3);\nexport default {};\n`);
  const exited = await until("the exit reported", async () => {
    const st = await projectState(a);
    return st?.state === "error" && /exited with code 3/.test(st.message ?? "") ? st : undefined;
  });
  assert.ok(exited);

  // The watcher is alive and still serves the other project.
  await sb.writeConfig(`export default { env: { X: "2" } };\n`, other);
  await until("the other project's new activation", () => (xOf(b) === "2" ? true : undefined));
  assert.ok(!gone(pid));
  assertOk(await sb.run(["watch", "stop"]));
});

test("watch --print-service prints units with the absolute node and bin/devenv.js paths and DEVENV_HOME, never GITHUB_TOKEN", async () => {
  const sb = newSandbox();
  const token = "ghp_watch_service_secret_42";
  const systemd = await sb.run(["watch", "--print-service", "systemd"], { env: { GITHUB_TOKEN: token } });
  assertOk(systemd);
  const unit = systemd.stdout;
  assert.ok(unit.includes(`\nExecStart=${process.execPath} ${devenvBin} watch\n`), unit);
  assert.ok(unit.includes(`\nEnvironment=DEVENV_HOME=${sb.home}\n`), unit);
  assert.ok(unit.includes(`\nEnvironment=DEVENV_MIRRORS=${fake.mirrors}\n`), unit);
  assert.match(unit, /\nRestart=on-failure\nRestartSec=5\n/);
  assert.match(unit, /\n\[Install\]\nWantedBy=default\.target\n/);
  assert.ok(!unit.includes(token));

  const launchd = await sb.run(["watch", "--print-service", "launchd"], { env: { GITHUB_TOKEN: token } });
  assertOk(launchd);
  const plist = launchd.stdout;
  assert.ok(plist.includes(`<array>\n    <string>${process.execPath}</string>\n    <string>${devenvBin}</string>\n    <string>watch</string>\n  </array>`), plist);
  assert.ok(plist.includes(`<key>DEVENV_HOME</key>\n    <string>${sb.home}</string>`));
  assert.ok(plist.includes(`<key>StandardOutPath</key>\n  <string>${join(sb.home, "state", "watch", "watch.log")}</string>`));
  assert.ok(!plist.includes(token));
  // Printing a service starts nothing.
  assert.ok(!existsSync(join(sb.home, "state", "watch", "watch.pid")));
});

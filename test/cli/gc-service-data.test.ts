/**
 * `devenv gc` and the service data of projects (Postgres data, logs, pid files in
 * `<state>/projects/<name>-<id>/.services`): never deleted by a plain gc; the data of projects that
 * no longer exist is listed with its size and path, and deleted only with --remove-service-data,
 * never while its supervisor runs, never for a project gc cannot identify.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fmtBytes } from "../../src/cli/progress.js";
import { servicePaths } from "../../src/services/paths.js";
import { recordProjectDir } from "../../src/state/project-record.js";
import { projectStateBase, projectsRoot } from "../../src/state/projects.js";
import { assertOk, sandbox, type Sandbox } from "../helpers/cli.js";
import { waitFor } from "../support/wait.js";

const stateOf = (sb: Sandbox) => join(sb.home, "state");

/** A project with service data as `devenv up` leaves it: a Postgres data dir and a log. Returns its real path, data dir and data size. */
async function projectWithData(sb: Sandbox, name: string, bytes: number): Promise<{ root: string; data: string; bytes: number }> {
  const dir = join(sb.project, "..", name);
  await sb.writeConfig(`export default { tools: {} };\n`, dir);
  const root = realpathSync(dir);
  await recordProjectDir(stateOf(sb), root);
  const paths = servicePaths(stateOf(sb), root);
  mkdirSync(paths.pgdata, { recursive: true });
  mkdirSync(paths.logs, { recursive: true });
  writeFileSync(join(paths.pgdata, "PG_VERSION"), "17\n");
  writeFileSync(join(paths.pgdata, "base.dat"), Buffer.alloc(bytes - 3 - 6, 1));
  writeFileSync(join(paths.logs, "postgres.log"), "ready\n");
  return { root, data: paths.dir, bytes };
}

/** Every file and dir under `<state>/projects` with its size: a gc that deletes nothing leaves this unchanged. */
function snapshot(sb: Sandbox): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      const st = lstatSync(p);
      out.push(`${p} ${st.isDirectory() ? "dir" : st.size}`);
      if (st.isDirectory()) walk(p);
    }
  };
  walk(projectsRoot(stateOf(sb)));
  return out;
}

const lineFor = (stdout: string, dir: string) => stdout.split("\n").filter((l) => l.endsWith(`  ${dir}`));

test("a plain gc deletes nothing under <state>/projects: a live project's data is not listed, a gone project's is listed with its size and path and kept", async () => {
  const sb = sandbox("");
  const live = await projectWithData(sb, "live", 5_000);
  const gone = await projectWithData(sb, "gone", 12_345);
  rmSync(gone.root, { recursive: true });
  const before = snapshot(sb);

  const r = await sb.run(["gc"], { cwd: live.root });
  assertOk(r);
  assert.deepEqual(lineFor(r.stdout, gone.data), [`kept service data of ${gone.root} (project gone)  ${fmtBytes(gone.bytes)}  ${gone.data}`]);
  assert.doesNotMatch(r.stdout, new RegExp(live.data.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")), "a live project's data is not listed");
  assert.match(r.stdout, /--remove-service-data' deletes that of projects that no longer exist/);
  // After gc's usual output.
  const lines = r.stdout.trim().split("\n");
  assert.ok(lines.findIndex((l) => l.startsWith("nothing to remove")) < lines.findIndex((l) => l.startsWith("kept service data")), r.stdout);
  assert.deepEqual(snapshot(sb), before, "nothing under <state>/projects changed");
});

test("--remove-service-data deletes a gone project's data, never a live project's; the gone project's tool state stays", async () => {
  const sb = sandbox("");
  const live = await projectWithData(sb, "live", 5_000);
  const gone = await projectWithData(sb, "gone", 12_345);
  const goneTools = await projectWithData(sb, "gone-with-gopath", 2_000);
  const gopath = join(projectStateBase(stateOf(sb), goneTools.root), "go");
  mkdirSync(join(gopath, "pkg"), { recursive: true });
  writeFileSync(join(gopath, "pkg", "mod.txt"), "module cache\n");
  rmSync(gone.root, { recursive: true });
  rmSync(goneTools.root, { recursive: true });
  const liveBefore = snapshot(sb).filter((l) => l.startsWith(projectStateBase(stateOf(sb), live.root)));

  const r = await sb.run(["gc", "--remove-service-data"], { cwd: live.root });
  assertOk(r);
  assert.deepEqual(lineFor(r.stdout, gone.data), [`removed service data of ${gone.root}  ${fmtBytes(gone.bytes)}  ${gone.data}`]);
  assert.deepEqual(lineFor(r.stdout, goneTools.data), [`removed service data of ${goneTools.root}  ${fmtBytes(goneTools.bytes)}  ${goneTools.data}`]);
  assert.ok(!existsSync(gone.data) && !existsSync(goneTools.data));
  assert.ok(!existsSync(projectStateBase(stateOf(sb), gone.root)), "a project dir left with only its record goes too");
  assert.ok(existsSync(join(gopath, "pkg", "mod.txt")), "tool state is not service data");
  assert.deepEqual(snapshot(sb).filter((l) => l.startsWith(projectStateBase(stateOf(sb), live.root))), liveBefore, "the live project's data is untouched");
  assert.deepEqual(readdirSync(projectStateBase(stateOf(sb), goneTools.root)).sort(), ["go", "project.json"], "no leftover of the removal");

  const again = await sb.run(["gc", "--remove-service-data"], { cwd: live.root });
  assertOk(again);
  assert.doesNotMatch(again.stdout, /service data/, "nothing left to list");
});

test("--dry-run --remove-service-data says what it would remove and deletes nothing", async () => {
  const sb = sandbox("");
  const gone = await projectWithData(sb, "gone", 7_000);
  rmSync(gone.root, { recursive: true });
  const before = snapshot(sb);
  const r = await sb.run(["gc", "--dry-run", "--remove-service-data"], { cwd: sb.home });
  assertOk(r);
  assert.deepEqual(lineFor(r.stdout, gone.data), [`would remove service data of ${gone.root}  ${fmtBytes(gone.bytes)}  ${gone.data}`]);
  assert.deepEqual(snapshot(sb), before);
});

test("a gone project whose supervisor still runs keeps its data even with --remove-service-data; once it has stopped, the data goes", async () => {
  const sb = sandbox("");
  const gone = await projectWithData(sb, "running", 3_000);
  rmSync(gone.root, { recursive: true });
  const supervisor = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
  const exited = new Promise((r) => supervisor.on("exit", r));
  try {
    writeFileSync(join(gone.data, "supervisor.json"), JSON.stringify({ pid: supervisor.pid, argv: [process.execPath, "devenv", "up"] }));
    await waitFor("the supervisor's command line", () => existsSync(`/proc/${supervisor.pid}/cmdline`));
    const before = snapshot(sb);
    const r = await sb.run(["gc", "--remove-service-data"], { cwd: sb.home });
    assertOk(r);
    assert.deepEqual(lineFor(r.stdout, gone.data), [
      `kept service data of ${gone.root} (running: supervisor pid ${supervisor.pid}; run 'devenv down' in ${gone.root} first, or stop pid ${supervisor.pid} if the project is gone for good)  ${fmtBytes(gone.bytes + Buffer.byteLength(JSON.stringify({ pid: supervisor.pid, argv: [process.execPath, "devenv", "up"] })))}  ${gone.data}`,
    ]);
    assert.deepEqual(snapshot(sb), before, "kept while running");
    const json = JSON.parse((await sb.run(["gc", "--remove-service-data", "--json"], { cwd: sb.home })).stdout);
    assert.equal(json.serviceData[0].removed, false);
    assert.deepEqual(json.serviceData[0].keep, { why: "running", pid: supervisor.pid, what: "supervisor" });
  } finally {
    supervisor.kill();
  }
  await exited;
  const after = await sb.run(["gc", "--remove-service-data"], { cwd: sb.home });
  assertOk(after);
  assert.match(after.stdout, new RegExp(`^removed service data of ${gone.root}  `, "m"));
  assert.ok(!existsSync(gone.data));
});

test("a stale supervisor.json whose pid now belongs to an unrelated process does not keep the data", async () => {
  const sb = sandbox("");
  const gone = await projectWithData(sb, "stale", 3_000);
  rmSync(gone.root, { recursive: true });
  const other = spawn("sleep", ["60"], { stdio: "ignore" });
  try {
    writeFileSync(join(gone.data, "supervisor.json"), JSON.stringify({ pid: other.pid }));
    await waitFor("sleep's command line", () => existsSync(`/proc/${other.pid}/cmdline`));
    const r = await sb.run(["gc", "--remove-service-data"], { cwd: sb.home });
    assertOk(r);
    assert.match(r.stdout, new RegExp(`^removed service data of ${gone.root}  `, "m"));
    assert.ok(!existsSync(gone.data));
  } finally {
    other.kill();
  }
});

test("service data without project.json is listed as an unknown project and kept, even with --remove-service-data", async () => {
  const sb = sandbox("");
  const unknown = await projectWithData(sb, "unknown", 4_000);
  rmSync(join(projectStateBase(stateOf(sb), unknown.root), "project.json"));
  rmSync(unknown.root, { recursive: true });
  const before = snapshot(sb);
  const r = await sb.run(["gc", "--remove-service-data"], { cwd: sb.home });
  assertOk(r);
  const line = lineFor(r.stdout, unknown.data)[0] ?? "";
  assert.ok(line.startsWith(`kept service data of an unknown project (no valid project.json; if you know its project is gone: rm -rf '${unknown.data}')`), r.stdout);
  assert.ok(line.includes(`rm -rf '${unknown.data}'`), line);
  assert.ok(line.includes(`  ${fmtBytes(unknown.bytes)}  `), line);
  assert.deepEqual(snapshot(sb), before);
});

test("a project.json that names another project (copied from another dir) makes the data an unknown project's", async () => {
  const sb = sandbox("");
  const a = await projectWithData(sb, "a", 4_000);
  const b = await projectWithData(sb, "b", 4_000);
  rmSync(a.root, { recursive: true });
  rmSync(b.root, { recursive: true });
  copyFileSync(join(projectStateBase(stateOf(sb), a.root), "project.json"), join(projectStateBase(stateOf(sb), b.root), "project.json"));
  const r = await sb.run(["gc", "--remove-service-data"], { cwd: sb.home });
  assertOk(r);
  assert.match(r.stdout, new RegExp(`^removed service data of ${a.root}  `, "m"));
  const line = lineFor(r.stdout, b.data)[0] ?? "";
  assert.ok(line.startsWith(`kept service data of an unknown project (its project.json names ${a.root}, whose data would be elsewhere; `), r.stdout);
  assert.ok(existsSync(b.data));
});

test("a child in pids/ that still runs keeps the data (its recorded start time must match: a reused pid does not)", async () => {
  const sb = sandbox("");
  const gone = await projectWithData(sb, "child", 3_000);
  rmSync(gone.root, { recursive: true });
  const child = spawn("sleep", ["60"], { stdio: "ignore" });
  try {
    const stat = await waitFor("the child's /proc entry", () => existsSync(`/proc/${child.pid}/stat`) && readFileSync(`/proc/${child.pid}/stat`, "utf8"));
    const startTime = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]);
    mkdirSync(join(gone.data, "pids"));
    writeFileSync(join(gone.data, "pids", "web.json"), JSON.stringify({ pid: child.pid, pgid: child.pid, startTime, argv: ["sleep", "60"] }));
    const kept = await sb.run(["gc", "--remove-service-data"], { cwd: sb.home });
    assertOk(kept);
    assert.match(kept.stdout, new RegExp(`^kept service data of ${gone.root} \\(running: web pid ${child.pid}; `, "m"));
    assert.ok(existsSync(gone.data));
    // The same pid with another start time is another process (the pid was reused): it keeps nothing.
    writeFileSync(join(gone.data, "pids", "web.json"), JSON.stringify({ pid: child.pid, pgid: child.pid, startTime: startTime - 1, argv: ["sleep", "60"] }));
    const removed = await sb.run(["gc", "--remove-service-data"], { cwd: sb.home });
    assertOk(removed);
    assert.match(removed.stdout, new RegExp(`^removed service data of ${gone.root}  `, "m"));
    assert.ok(!existsSync(gone.data));
  } finally {
    child.kill();
  }
});

test("a removal a killed gc left half-done is listed, and finished only with --remove-service-data; one a running gc is doing is left to it", async () => {
  const sb = sandbox("");
  const live = await projectWithData(sb, "live", 5_000);
  const base = projectStateBase(stateOf(sb), live.root);
  const dead = join(base, ".services.removing-4194305-dead"); // above any pid_max: no such process
  const busy = join(base, `.services.removing-${process.pid}-busy`); // this test process stands for a running gc
  for (const d of [dead, busy]) {
    mkdirSync(join(d, "postgres", "data"), { recursive: true });
    writeFileSync(join(d, "postgres", "data", "half"), Buffer.alloc(1_000));
  }
  const before = snapshot(sb);
  const r = await sb.run(["gc"], { cwd: live.root });
  assertOk(r);
  assert.deepEqual(lineFor(r.stdout, dead), [`kept service data of an interrupted removal (a gc was stopped while deleting it)  ${fmtBytes(1_000)}  ${dead}`]);
  assert.deepEqual(lineFor(r.stdout, busy), []);
  assert.deepEqual(snapshot(sb), before);
  const removed = await sb.run(["gc", "--remove-service-data"], { cwd: live.root });
  assertOk(removed);
  assert.deepEqual(lineFor(removed.stdout, dead), [`removed service data of an interrupted removal  ${fmtBytes(1_000)}  ${dead}`]);
  assert.ok(!existsSync(dead));
  assert.ok(existsSync(join(busy, "postgres", "data", "half")), "a running gc's removal is its own");
  assert.ok(existsSync(join(live.data, "postgres", "data", "PG_VERSION")), "the live project's data stays");
});

test("--json lists the service data: root, dir, bytes, removed", async () => {
  const sb = sandbox("");
  const live = await projectWithData(sb, "live", 5_000);
  const gone = await projectWithData(sb, "gone", 9_000);
  rmSync(gone.root, { recursive: true });
  const pick = (j: { serviceData: Array<Record<string, unknown>> }) => j.serviceData.map(({ root, dir, bytes, removed }) => ({ root, dir, bytes, removed }));
  const listed = JSON.parse((await sb.run(["gc", "--json"], { cwd: live.root })).stdout);
  assert.deepEqual(pick(listed), [{ root: gone.root, dir: gone.data, bytes: gone.bytes, removed: false }]);
  assert.ok(existsSync(gone.data));
  const removed = JSON.parse((await sb.run(["gc", "--json", "--remove-service-data"], { cwd: live.root })).stdout);
  assert.deepEqual(pick(removed), [{ root: gone.root, dir: gone.data, bytes: gone.bytes, removed: true }]);
  assert.ok(!existsSync(gone.data));
  assert.ok(existsSync(live.data));
});

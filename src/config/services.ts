/**
 * `services` and `processes` of devenv.ts, checked and put in start order. Pure: ports, paths and
 * commands are filled in later (src/services/specs.ts), when the project's state dir is known.
 */
import { DevenvError } from "../errors.js";

export type PortRequest = number | "auto";

export interface PostgresService {
  port: PortRequest;
  databases: string[];
  user: string;
  settings: Record<string, string | number | boolean>;
  initdbArgs: string[];
  initScript?: string;
  listen: "socket" | "localhost";
}

export type ReadyRequest = { tcp: number | "port" } | { http: string } | { exec: string | string[] };

export interface ProcessRequest {
  name: string;
  command: string | string[];
  cwd?: string;
  env: Record<string, string>;
  port?: PortRequest;
  after: string[];
  ready?: ReadyRequest;
  /** Seconds. */
  readyTimeout: number;
  restart: "no" | "on-failure" | "always";
  stopSignal: NodeJS.Signals;
  /** Seconds. */
  stopTimeout: number;
}

export interface ServicesConfig {
  postgres?: PostgresService;
  /** In start order: every process after the ones it waits for (config order otherwise). */
  processes: ProcessRequest[];
}

/** The name `after` uses for the postgres service. */
export const POSTGRES = "postgres";

interface RawConfig {
  services?: { postgres?: Partial<Omit<PostgresService, "databases" | "settings" | "initdbArgs">> & { databases?: string[]; settings?: PostgresService["settings"]; initdbArgs?: string[] } };
  processes?: Record<string, Omit<Partial<ProcessRequest>, "name" | "env" | "after"> & { command: string | string[]; env?: Record<string, string>; after?: string[] }>;
}

export function normaliseServices(cfg: RawConfig, file: string): ServicesConfig | undefined {
  if (!cfg.services?.postgres && !cfg.processes) return undefined;
  const pg = cfg.services?.postgres;
  const postgres: PostgresService | undefined = pg
    ? {
        port: pg.port ?? "auto",
        databases: [...new Set(pg.databases ?? [])],
        user: pg.user ?? "postgres",
        settings: pg.settings ?? {},
        initdbArgs: pg.initdbArgs ?? [],
        ...(pg.initScript !== undefined ? { initScript: pg.initScript } : {}),
        listen: pg.listen ?? "localhost",
      }
    : undefined;
  const processes: ProcessRequest[] = Object.entries(cfg.processes ?? {}).map(([name, p]) => {
    if (name === POSTGRES) {
      throw new DevenvError("CONFIG_SCHEMA", `${file}: processes.${name}: the name postgres is taken by services.postgres`, {
        hint: "Give the process another name; to run Postgres, use services: { postgres: {} }.",
      });
    }
    if (Array.isArray(p.command) && !p.command[0]) {
      throw new DevenvError("CONFIG_SCHEMA", `${file}: processes.${name}.command: the program (first element) is empty`, {
        hint: 'Write the command as a string ("npm run dev") or a list starting with the program (["node", "server.js"]).',
      });
    }
    if (p.ready && "tcp" in p.ready && p.ready.tcp === "port" && p.port === undefined) {
      throw new DevenvError("CONFIG_SCHEMA", `${file}: processes.${name}.ready: { tcp: "port" } needs processes.${name}.port`, {
        hint: 'Add port: "auto" (or a number) to the process, or name the port: ready: { tcp: 8080 }.',
      });
    }
    return {
      name,
      command: p.command,
      ...(p.cwd !== undefined ? { cwd: p.cwd } : {}),
      env: p.env ?? {},
      ...(p.port !== undefined ? { port: p.port } : {}),
      after: [...new Set(p.after ?? [])],
      ...(p.ready ? { ready: p.ready } : {}),
      readyTimeout: p.readyTimeout ?? 60,
      restart: p.restart ?? "no",
      stopSignal: p.stopSignal ?? "SIGTERM",
      stopTimeout: p.stopTimeout ?? 10,
    };
  });
  return { ...(postgres ? { postgres } : {}), processes: startOrder(processes, postgres !== undefined, file) };
}

/** Processes ordered so that each comes after everything in its `after`; unknown names and cycles are errors. */
export function startOrder(processes: ProcessRequest[], hasPostgres: boolean, file: string): ProcessRequest[] {
  const byName = new Map(processes.map((p) => [p.name, p]));
  for (const p of processes) {
    for (const dep of p.after) {
      if (dep === p.name) throw afterError(file, p.name, `waits for itself`);
      if (dep === POSTGRES && hasPostgres) continue;
      if (!byName.has(dep)) {
        const known = [...byName.keys(), ...(hasPostgres ? [POSTGRES] : [])];
        throw afterError(file, p.name, `names '${dep}', which is not a process${dep === POSTGRES ? " (services.postgres is not configured)" : ""}`, known);
      }
    }
  }
  const out: ProcessRequest[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (p: ProcessRequest, path: string[]) => {
    const s = state.get(p.name);
    if (s === "done") return;
    if (s === "visiting") throw afterError(file, p.name, `makes a cycle: ${[...path, p.name].join(" → ")}`);
    state.set(p.name, "visiting");
    for (const dep of p.after) {
      const d = byName.get(dep);
      if (d) visit(d, [...path, p.name]);
    }
    state.set(p.name, "done");
    out.push(p);
  };
  for (const p of processes) visit(p, []);
  return out;
}

function afterError(file: string, name: string, what: string, known: string[] = []): DevenvError {
  return new DevenvError("CONFIG_SCHEMA", `${file}: processes.${name}.after ${what}`, {
    hint: known.length ? `Known names: ${known.join(", ")}.` : "Remove the name from after.",
  });
}

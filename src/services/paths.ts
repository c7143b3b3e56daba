/**
 * Where a project's services keep their data, sockets, pid files and logs: in devenv's state dir,
 * beside the project's other per-project dirs (GOPATH, CARGO_HOME: src/state/projects.ts), never in
 * the project. Keyed by the project's real path, so two checkouts (or worktrees) of one repository
 * have their own data and ports.
 */
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { projectStateBase } from "../state/projects.js";

/** sun_path holds 108 bytes with the terminating NUL; Postgres names its socket `.s.PGSQL.<port>`. */
export const SOCKET_PATH_MAX = 107;
const PG_SOCKET_NAME_MAX = "/.s.PGSQL.65535".length;

export interface ServicePaths {
  /** `<state>/projects/<name>-<id>/.services` */
  dir: string;
  /** The ports picked for this checkout ({ name: port }), kept across runs. */
  ports: string;
  /** The supervisor's identity (pid, start time, command line) while one runs. */
  supervisor: string;
  /** What the supervisor reports: each process's pid, state, port, restarts (written on every change). */
  status: string;
  /** Requests to a running supervisor (restart), one file each. */
  control: string;
  logs: string;
  /** One identity file per running child (pid, process group, start time, command line). */
  pids: string;
  pgdata: string;
  /** The Postgres socket dir: under `dir` when the socket path fits in sun_path, else a short dir in the temp dir. */
  pgsocket: string;
}

export function servicePaths(stateRoot: string, realRoot: string, env: NodeJS.ProcessEnv = process.env): ServicePaths {
  // A leading dot: tool names cannot start with one, so no tool's state dir is ever this one.
  const dir = join(projectStateBase(stateRoot, realRoot), ".services");
  const near = join(dir, "postgres", "run");
  const id = createHash("sha256").update(realRoot).digest("hex").slice(0, 16);
  const uid = process.getuid?.() ?? 0;
  const short = join(env.TMPDIR && env.TMPDIR.length < 40 ? env.TMPDIR : tmpdir().length < 40 ? tmpdir() : "/tmp", `devenv-${uid}`, id);
  return {
    dir,
    ports: join(dir, "ports.json"),
    supervisor: join(dir, "supervisor.json"),
    status: join(dir, "status.json"),
    control: join(dir, "control"),
    logs: join(dir, "logs"),
    pids: join(dir, "pids"),
    pgdata: join(dir, "postgres", "data"),
    pgsocket: Buffer.byteLength(near) + PG_SOCKET_NAME_MAX <= SOCKET_PATH_MAX ? near : short,
  };
}

export const logFile = (paths: ServicePaths, name: string) => join(paths.logs, `${name}.log`);
export const pidFile = (paths: ServicePaths, name: string) => join(paths.pids, `${name}.json`);

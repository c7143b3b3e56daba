/**
 * What the supervisor runs and what it reports. A ProcessSpec is fully resolved (argv, env, ports,
 * paths): the supervisor knows nothing of devenv.ts, the lock or the store.
 */

/** When a started process counts as ready. */
export type ReadyCheck =
  | { kind: "tcp"; host: string; port: number }
  | { kind: "http"; url: string }
  | { kind: "exec"; argv: string[] }
  /** A check the service brings itself (postgres: a protocol-level check, like pg_isready). */
  | { kind: "probe"; what: string; probe: () => Promise<boolean> };

export interface StopStep {
  signal: NodeJS.Signals;
  /** How long to wait for the process group to exit before the next step (the last step is followed by SIGKILL). */
  waitMs: number;
}

export interface ProcessSpec {
  name: string;
  /** The program and its arguments (a string command from devenv.ts is ["/bin/sh", "-c", command]). */
  argv: string[];
  cwd: string;
  /** The whole environment of the process. */
  env: Record<string, string>;
  /** Names that must be ready before this one starts (already in start order in the list given). */
  after: string[];
  /** Absent: ready once spawned. */
  ready?: ReadyCheck;
  readyTimeoutMs: number;
  restart: "no" | "on-failure" | "always";
  /** Stop: each step's signal to the process group, waiting each step's time; then SIGKILL. */
  stop: StopStep[];
  port?: number;
  /** Run the process as this user (postgres when devenv runs as root). */
  user?: { uid: number; gid: number; name: string };
  /**
   * Work done before every start, outside the process (postgres: initdb, the version check,
   * creating databases). Lines it passes to `log` go to the process's log. A DevenvError stops `up`.
   */
  prepare?: (log: (line: string) => void) => Promise<void>;
}

export type ProcessState =
  | "pending" // waiting for the processes in `after`
  | "starting" // spawned, readiness not yet seen
  | "ready"
  | "backoff" // exited; restarting after a delay
  | "exited" // exited and not restarted (restart "no", or exit 0 under "on-failure")
  | "failed" // did not become ready, or prepare failed
  | "stopping"
  | "stopped";

export interface ProcessStatus {
  name: string;
  state: ProcessState;
  pid?: number;
  port?: number;
  /** ms since the epoch when the current run started. */
  startedAt?: number;
  restarts: number;
  /** How the last run ended: "exit 1", "signal SIGSEGV". */
  lastExit?: string;
  /** When state is "backoff": ms since the epoch of the next start. */
  nextStartAt?: number;
  /** One line: why it failed. */
  error?: string;
}

/** status.json: written by the supervisor on every change. */
export interface SupervisorStatus {
  pid: number;
  /** "foreground" (`devenv up`) or "detached" (`devenv up -d`). */
  mode: "foreground" | "detached";
  startedAt: number;
  /** Every process is ready (or exited cleanly); false while starting. */
  ready: boolean;
  /** The supervisor is stopping everything (Ctrl-C, `devenv down`, a failed start). */
  stopping: boolean;
  processes: ProcessStatus[];
}

/** Identity of a process devenv started, so a pid that was reused is never signalled. */
export interface ProcessIdentity {
  pid: number;
  /** Linux: field 22 of /proc/<pid>/stat (clock ticks since boot); undefined elsewhere. */
  startTime?: number;
  /** The command line as started (argv). */
  argv: string[];
  /** The process group (the child leads its own group: pgid === pid). */
  pgid: number;
}

/** What the supervisor tells its host as it goes (`devenv up` prints these). */
export type SupervisorEvent = {
  type: "starting" | "ready" | "exited" | "restarting" | "failed" | "stopping" | "stopped";
  name: string;
  detail?: string;
};

/**
 * The supervisor of one project: starts its processes in order (each after the ones it waits for are
 * ready), restarts them by policy, stops them in reverse order, and reports in status.json. It
 * installs no signal handlers: the CLI maps SIGINT/SIGTERM/SIGHUP to stop() and SIGUSR2 to
 * takeRequests() + restart().
 */
import { rmSync } from "node:fs";
import { DevenvError } from "../errors.js";
import { identify } from "./identity.js";
import type { ServicePaths } from "./paths.js";
import { DEFAULT_BACKOFF, type Backoff } from "./restart-policy.js";
import { Runner } from "./runner.js";
import { claimSupervisor } from "./claim.js";
import { cleanLeftovers } from "./stale.js";
import { readSupervisorRecord, writeStatus } from "./status-file.js";
import type { ProcessSpec, SupervisorEvent, SupervisorStatus } from "./types.js";

export interface SupervisorOptions {
  paths: ServicePaths;
  /** In start order. */
  specs: ProcessSpec[];
  mode: "foreground" | "detached";
  onEvent?: (e: SupervisorEvent) => void;
  backoff?: Backoff;
}

export type { SupervisorEvent } from "./types.js";

export class Supervisor {
  readonly finished: Promise<void>;
  private resolveFinished!: () => void;
  private readonly runners: Runner[];
  private readonly startedAt = Date.now();
  private allReady = false;
  private stopping = false;
  private stopped: Promise<void> | undefined;
  private writing: Promise<void> = Promise.resolve();
  private dirty = false;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: SupervisorOptions) {
    this.finished = new Promise((resolve) => (this.resolveFinished = resolve));
    const host = {
      paths: opts.paths,
      backoff: opts.backoff ?? DEFAULT_BACKOFF,
      emit: (e: SupervisorEvent) => opts.onEvent?.(e),
      changed: () => this.changed(),
    };
    this.runners = opts.specs.map((s) => new Runner(s, host));
  }

  snapshot(): SupervisorStatus {
    return {
      pid: process.pid,
      mode: this.opts.mode,
      startedAt: this.startedAt,
      ready: this.allReady && !this.stopping,
      stopping: this.stopping && !this.done,
      processes: this.runners.map((r) => ({ ...r.status })),
    };
  }

  private done = false;
  /** The identity file is this supervisor's (claimed by start()). */
  private claimed = false;

  /** status.json follows every change; writes are queued and coalesced, the newest state always last. */
  private changed(): void {
    if (this.dirty) return;
    this.dirty = true;
    this.writing = this.writing.then(async () => {
      this.dirty = false;
      await writeStatus(this.opts.paths, this.snapshot()).catch(() => {});
    });
  }

  /** Start every process in order; resolves when all are ready. On a failure everything started is stopped and the error says which process and shows its log's end. */
  async start(): Promise<void> {
    const { paths } = this.opts;
    const self = identify(process.pid) ?? { pid: process.pid, argv: process.argv, pgid: process.pid };
    claimSupervisor(paths, { ...self, mode: this.opts.mode, startedAt: this.startedAt });
    this.claimed = true;
    await cleanLeftovers(paths);
    this.changed();
    const readyOnce = new Map<string, Promise<void>>();
    for (const r of this.runners) {
      const deps = r.spec.after.map((d) => readyOnce.get(d)).filter((p) => p !== undefined);
      const p = Promise.all(deps).then(() => {
        if (this.stopping) throw new DevenvError("SERVICE", `${r.name}: stopped while starting`);
        return r.launch();
      });
      p.catch(() => {});
      readyOnce.set(r.name, p);
    }
    try {
      await Promise.all(readyOnce.values());
    } catch (e) {
      await this.stop();
      throw e;
    }
    this.allReady = true;
    this.changed();
    await this.writing;
  }

  /** Stop everything, in reverse start order; idempotent. */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      this.stopping = true;
      this.changed();
      for (const r of [...this.runners].reverse()) await r.stop();
      const rec = this.claimed ? readSupervisorRecord(this.opts.paths) : undefined;
      if (rec?.pid === process.pid && rec.startedAt === this.startedAt) rmSync(this.opts.paths.supervisor, { force: true });
      this.done = true;
      this.changed();
      await this.writing;
      this.resolveFinished();
    })();
    return this.stopped;
  }

  /** Stop then start these processes (all by default), in order; one restart at a time. */
  restart(names?: string[]): Promise<void> {
    const known = this.runners.map((r) => r.name);
    const unknown = (names ?? []).filter((n) => !known.includes(n));
    if (unknown.length) {
      const refused = Promise.reject(new DevenvError("USAGE", `no process named ${unknown.join(", ")}`, { exitCode: 1, hint: `Known: ${known.join(", ")}.` }));
      refused.catch(() => {}); // a caller that does not wait (a signal handler) must not crash the supervisor
      return refused;
    }
    const targets = names ? this.runners.filter((r) => names.includes(r.name)) : this.runners;
    const p = this.queue.then(async () => {
      if (this.stopping) return;
      for (const r of [...targets].reverse()) await r.stop();
      try {
        for (const r of targets) {
          if (this.stopping) return;
          await r.launch();
        }
      } finally {
        this.changed();
        await this.writing; // status.json says how it went before restart() settles
      }
    });
    this.queue = p.catch(() => {}); // also marks p handled: a failed restart is in status.json, it must not crash the supervisor
    return p;
  }
}

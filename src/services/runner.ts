/**
 * One process under the supervisor: its runs (prepare, spawn, readiness), its restarts by policy
 * with back-off, its stop. The supervisor orders runners; a runner knows only its own process.
 */
import { DevenvError } from "../errors.js";
import { ProcessStartError } from "./failure.js";
import { appendLogLine } from "./logs.js";
import { logFile, type ServicePaths } from "./paths.js";
import { waitReady, type ReadyOutcome } from "./ready.js";
import { describeExit, nextRestart, type Backoff, type ExitInfo } from "./restart-policy.js";
import { spawnRun, type Run } from "./spawn.js";
import { removePidRecord, writePidRecord } from "./status-file.js";
import { groupIsOurs, stopGroup } from "./stop.js";
import type { ProcessSpec, ProcessStatus } from "./types.js";
import type { SupervisorEvent } from "./types.js";

export interface RunnerHost {
  paths: ServicePaths;
  backoff: Backoff;
  emit(e: SupervisorEvent): void;
  changed(): void;
}

export class Runner {
  readonly status: ProcessStatus;
  readonly log: string;
  private run: Run | undefined;
  private streak = 0;
  /** "running": exits are handled by the restart policy; otherwise by whoever is launching or stopping. */
  private mode: "idle" | "launching" | "running" | "stopping" = "idle";
  private abort = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private busy: Promise<unknown> = Promise.resolve();

  constructor(readonly spec: ProcessSpec, private readonly host: RunnerHost) {
    this.status = { name: spec.name, state: "pending", restarts: 0, ...(spec.port !== undefined ? { port: spec.port } : {}) };
    this.log = logFile(host.paths, spec.name);
  }

  get name() {
    return this.spec.name;
  }

  private set(patch: Partial<ProcessStatus>, event?: SupervisorEvent["type"], detail?: string) {
    Object.assign(this.status, patch);
    for (const k of Object.keys(patch) as (keyof ProcessStatus)[]) if (patch[k] === undefined) delete this.status[k];
    this.host.changed();
    if (event) this.host.emit({ type: event, name: this.name, ...(detail !== undefined ? { detail } : {}) });
  }

  private note(line: string) {
    try {
      appendLogLine(this.log, `[devenv] ${line}`);
    } catch {
      /* the log is best effort */
    }
  }

  /** One run: prepare, spawn, record its pid file, watch its exit. Throws ProcessStartError. */
  private async spawnOnce(): Promise<Run> {
    this.set({ state: "starting", pid: undefined, nextStartAt: undefined, error: undefined }, "starting");
    try {
      await this.spec.prepare?.((line) => appendLogLine(this.log, line));
      const run = await spawnRun(this.spec, this.log);
      this.run = run;
      await writePidRecord(this.host.paths, { ...run.identity, name: this.name, stop: this.spec.stop });
      this.note(`started: pid ${run.identity.pid}`);
      this.set({ pid: run.identity.pid, startedAt: run.startedAt });
      void run.exited.then((exit) => this.onExit(run, exit));
      return run;
    } catch (e) {
      const why = e instanceof DevenvError ? e.message : `prepare failed: ${(e as Error)?.message ?? e}`;
      this.set({ state: "failed", error: why.split("\n")[0] }, "failed", why);
      throw new ProcessStartError(this.name, why, this.log, e);
    }
  }

  private async readiness(run: Run, timeoutMs: number): Promise<ReadyOutcome> {
    if (!this.spec.ready) return run.exit ? "exited" : "ready";
    return waitReady(this.spec.ready, { timeoutMs, exited: run.exited, signal: this.abort.signal, env: this.spec.env, cwd: this.spec.cwd });
  }

  /**
   * Start and wait until ready (`up`, `restart`). An exit before ready is restarted if the policy
   * says so, within the ready timeout; otherwise, or on timeout, it fails with the log's last lines.
   */
  launch(): Promise<void> {
    const p = this.busy.then(() => this.launchNow());
    this.busy = p.catch(() => {});
    return p;
  }

  private async launchNow(): Promise<void> {
    this.mode = "launching";
    this.abort = new AbortController();
    const signal = this.abort.signal;
    const deadline = Date.now() + this.spec.readyTimeoutMs;
    for (;;) {
      const run = await this.spawnOnce();
      const outcome = signal.aborted ? "aborted" : await this.readiness(run, deadline - Date.now());
      if (outcome === "ready") {
        this.mode = "running";
        this.set({ state: "ready" }, "ready");
        return;
      }
      if (outcome === "aborted" || signal.aborted) throw new DevenvError("SERVICE", `${this.name}: stopped while starting`);
      if (outcome === "timeout") {
        const why = `not ready after ${Math.round(this.spec.readyTimeoutMs / 100) / 10} s (${describeCheck(this.spec)})`;
        this.note(why);
        if ((await stopGroup(run.identity.pgid, this.spec.stop)) !== "stuck") await run.exited;
        this.set({ state: "failed", error: why }, "failed", why);
        throw new ProcessStartError(this.name, why, this.log);
      }
      const exit = await run.exited;
      const d = nextRestart(this.spec.restart, exit, { streak: this.streak, startedAt: run.startedAt }, Date.now(), this.host.backoff);
      if (!d.restart || Date.now() + d.delayMs >= deadline) {
        const why = `it exited (${describeExit(exit)}) before it was ready`;
        this.set({ state: "failed", error: why }, "failed", why);
        throw new ProcessStartError(this.name, why, this.log);
      }
      this.streak = d.streak;
      this.set({ state: "backoff", nextStartAt: Date.now() + d.delayMs }, "restarting", `in ${d.delayMs} ms`);
      if (!(await this.sleep(d.delayMs))) throw new DevenvError("SERVICE", `${this.name}: stopped while starting`);
      this.set({ restarts: this.status.restarts + 1 });
    }
  }

  private sleep(ms: number): Promise<boolean> {
    const signal = this.abort.signal;
    return new Promise((resolve) => {
      if (signal.aborted) return resolve(false);
      const onAbort = () => {
        clearTimeout(t);
        resolve(false);
      };
      const t = setTimeout(() => {
        signal.removeEventListener("abort", onAbort);
        resolve(true);
      }, ms);
      signal.addEventListener("abort", onAbort, { once: true });
    });
  }

  private onExit(run: Run, exit: ExitInfo) {
    if (run !== this.run) return;
    removePidRecord(this.host.paths, this.name);
    this.note(`exited: ${describeExit(exit)}`);
    this.set({ pid: undefined, lastExit: describeExit(exit) }, "exited", describeExit(exit));
    if (this.mode !== "running") return;
    const d = nextRestart(this.spec.restart, exit, { streak: this.streak, startedAt: run.startedAt }, Date.now(), this.host.backoff);
    this.streak = d.streak;
    if (!d.restart) return this.set({ state: "exited" });
    this.set({ state: "backoff", nextStartAt: Date.now() + d.delayMs }, "restarting", `in ${d.delayMs} ms`);
    this.timer = setTimeout(() => {
      this.busy = this.busy.then(() => this.relaunch()).catch(() => {});
    }, d.delayMs);
  }

  /** A restart by policy: the new run goes through readiness; not ready in time → stopped, and the policy decides again. */
  private async relaunch(): Promise<void> {
    if (this.mode !== "running") return;
    this.set({ restarts: this.status.restarts + 1 });
    let run: Run;
    try {
      run = await this.spawnOnce();
    } catch {
      return; // failed: state and event are set
    }
    const outcome = await this.readiness(run, this.spec.readyTimeoutMs);
    if (outcome === "ready" && this.mode === "running" && this.run === run) this.set({ state: "ready" }, "ready");
    if (outcome === "timeout" && this.mode === "running") {
      this.note(`not ready after ${this.spec.readyTimeoutMs} ms: stopping it`);
      await stopGroup(run.identity.pgid, this.spec.stop);
    }
  }

  /** Stop the process (its whole group) and keep it stopped: no restart, pending launches cancelled. */
  async stop(): Promise<void> {
    this.mode = "stopping";
    this.abort.abort();
    clearTimeout(this.timer);
    await this.busy;
    this.mode = "stopping"; // a launch queued before the stop may have set it
    clearTimeout(this.timer);
    const run = this.run;
    if (run && !run.exit) {
      this.set({ state: "stopping" }, "stopping");
      const how = await stopGroup(run.identity.pgid, this.spec.stop);
      if (how === "stuck") {
        // Even SIGKILL did not end it (uninterruptible I/O, another user's process): say so, do not hang.
        this.note(`did not stop: pid ${run.identity.pid} or its group is still there after SIGKILL`);
        this.set({ error: `did not stop (pid ${run.identity.pid})` }, "failed", "did not stop after SIGKILL");
      } else {
        await run.exited;
        this.note(how === "killed" ? "stopped (killed after its stop timeout)" : "stopped");
      }
    } else if (run && groupIsOurs(run.identity)) {
      // It exited (and was reaped, so its pid may be someone else's now): what its group left behind, if any.
      await stopGroup(run.identity.pgid, this.spec.stop);
    }
    removePidRecord(this.host.paths, this.name);
    this.mode = "idle";
    const was = this.status.state;
    this.set({ state: "stopped", pid: undefined, nextStartAt: undefined }, run || was !== "pending" ? "stopped" : undefined);
  }
}

function describeCheck(spec: ProcessSpec): string {
  const r = spec.ready!;
  return r.kind === "tcp" ? `tcp ${r.host}:${r.port}` : r.kind === "http" ? `http ${r.url}` : r.kind === "exec" ? `exec ${r.argv.join(" ")}` : r.what;
}

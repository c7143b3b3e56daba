/**
 * How `devenv watch` runs its refreshes: a child `devenv -q watch-refresh <roots…>` per batch.
 * The watcher keeps none of the evaluation, resolution and download machinery in memory between
 * changes, a devenv.ts that exits or never returns cannot take it down, and a batch that runs
 * longer than `timeoutMs` is stopped (its remaining projects are reported as errors).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import type { RefreshOutcome } from "./refresh.js";

export interface Refresher {
  /** Refresh `roots`, calling `onOutcome` for each as it is done; resolves when all are. */
  run(roots: string[], onOutcome: (o: RefreshOutcome) => void): Promise<void>;
  /** Stop a running batch (SIGTERM: it removes its temp dirs). */
  stop(): void;
}

export interface ChildRefresherOptions {
  /** process.execPath and bin/devenv.js. */
  node: string;
  cli: string;
  env: NodeJS.ProcessEnv;
  offline: boolean;
  timeoutMs: number;
}

const tail = (s: string, lines = 6) => s.trim().split("\n").slice(-lines).join("\n");

export function childRefresher(opts: ChildRefresherOptions): Refresher {
  let current: ChildProcess | undefined;
  return {
    stop() {
      current?.kill("SIGTERM");
    },
    run(roots, onOutcome) {
      const args = [opts.cli, "-q", ...(opts.offline ? ["--offline"] : []), "watch-refresh", "--", ...roots];
      const child = spawn(opts.node, args, { env: opts.env, stdio: ["ignore", "pipe", "pipe"] });
      current = child;
      const left = new Set(roots);
      let stderr = "";
      let timedOut = false;
      child.stderr!.setEncoding("utf8").on("data", (c: string) => (stderr = (stderr + c).slice(-8192)));
      createInterface({ input: child.stdout! }).on("line", (line) => {
        let o: RefreshOutcome;
        try {
          o = JSON.parse(line) as RefreshOutcome;
        } catch {
          return; // not ours (a devenv.ts printing to stdout)
        }
        if (!o || typeof o.root !== "string" || !left.delete(o.root)) return;
        onOutcome(o);
      });
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 5_000).unref();
      }, opts.timeoutMs);
      return new Promise<void>((resolve) => {
        const finish = (why: string) => {
          clearTimeout(timer);
          if (current === child) current = undefined;
          for (const root of left) onOutcome({ root, status: "error", tools: [], message: `${root}: ${why}` });
          resolve();
        };
        child.once("error", (e) => finish(`could not run devenv: ${e.message}`));
        child.once("close", (code, signal) => {
          const end = signal ? `was killed by ${signal}` : `exited with code ${code}`;
          const why = timedOut ? `refreshing took longer than ${Math.round(opts.timeoutMs / 1000)} s and was stopped` : `the refresh ${end}`;
          const detail = tail(stderr);
          finish(detail ? `${why}: ${detail.split("\n").join(" | ")}` : why);
        });
      });
    },
  };
}

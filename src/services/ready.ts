/**
 * Waiting for a started process to be ready: a TCP connect, an HTTP GET answered 2xx/3xx, a command
 * that exits 0, or the service's own probe; tried every POLL_MS until the timeout, each attempt
 * bounded. Stops early when the process exits or the wait is aborted.
 */
import { spawn } from "node:child_process";
import { request as httpGet } from "node:http";
import { request as httpsGet } from "node:https";
import { connect } from "node:net";
import type { ReadyCheck } from "./types.js";

export const POLL_MS = 150;
const ATTEMPT_MS = 2_000;
const EXEC_ATTEMPT_MS = 10_000;

export type ReadyOutcome = "ready" | "timeout" | "exited" | "aborted";

export interface ReadyWait {
  timeoutMs: number;
  /** Settles when the process exits. */
  exited: Promise<unknown>;
  signal?: AbortSignal;
  env?: Record<string, string>;
  cwd?: string;
}

function tcpOnce(host: string, port: number, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(ms, () => done(false));
    s.once("connect", () => done(true));
    s.once("error", () => done(false));
  });
}

function httpOnce(url: string, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    let req;
    try {
      req = (url.startsWith("https:") ? httpsGet : httpGet)(url, { method: "GET", timeout: ms }, (res) => {
        res.resume();
        resolve((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 400);
      });
    } catch {
      return resolve(false);
    }
    req.once("timeout", () => req.destroy());
    req.once("error", () => resolve(false));
    req.end();
  });
}

function execOnce(argv: string[], ms: number, w: ReadyWait): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: "ignore", timeout: ms, killSignal: "SIGKILL", ...(w.env ? { env: w.env } : {}), ...(w.cwd ? { cwd: w.cwd } : {}) });
    child.once("error", () => resolve(false));
    child.once("exit", (code) => resolve(code === 0));
  });
}

async function probeOnce(probe: () => Promise<boolean>, ms: number): Promise<boolean> {
  let t: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([probe().then((v) => v === true, () => false), new Promise<boolean>((r) => (t = setTimeout(() => r(false), ms)))]);
  } finally {
    clearTimeout(t);
  }
}

export function checkOnce(check: ReadyCheck, ms: number, w: ReadyWait): Promise<boolean> {
  switch (check.kind) {
    case "tcp": return tcpOnce(check.host, check.port, Math.min(ms, ATTEMPT_MS));
    case "http": return httpOnce(check.url, Math.min(ms, ATTEMPT_MS));
    case "exec": return execOnce(check.argv, Math.min(ms, EXEC_ATTEMPT_MS), w);
    case "probe": return probeOnce(check.probe, Math.min(ms, EXEC_ATTEMPT_MS));
  }
}

/** Poll `check` until it passes ("ready"), the time is up, the process exits, or `signal` aborts. */
export async function waitReady(check: ReadyCheck, w: ReadyWait): Promise<ReadyOutcome> {
  const deadline = Date.now() + w.timeoutMs;
  let exited = false;
  let wake!: () => void;
  const stop = new Promise<void>((resolve) => (wake = resolve));
  const onExit = () => {
    exited = true;
    wake();
  };
  void w.exited.then(onExit, onExit);
  // Removed when the wait ends: a process restarted many times waits on the same signal each time.
  w.signal?.addEventListener("abort", wake, { once: true });
  try {
    for (;;) {
      if (w.signal?.aborted) return "aborted";
      if (exited) return "exited";
      const left = deadline - Date.now();
      if (left <= 0) return "timeout";
      const ok = await Promise.race([checkOnce(check, Math.max(left, 50), w), stop.then(() => false)]);
      if (w.signal?.aborted) return "aborted";
      if (exited) return "exited";
      if (ok) return "ready";
      let t: NodeJS.Timeout | undefined;
      await Promise.race([stop, new Promise((r) => (t = setTimeout(r, Math.min(POLL_MS, Math.max(1, deadline - Date.now())))))]);
      clearTimeout(t);
    }
  } finally {
    w.signal?.removeEventListener("abort", wake);
  }
}

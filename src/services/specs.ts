/**
 * devenv.ts's processes as the supervisor runs them: argv, cwd, environment, readiness and stop
 * steps, with `${port}` and `${root}` filled in. Pure.
 */
import { isAbsolute, join } from "node:path";
import type { ProcessRequest, ReadyRequest } from "../config/services.js";
import type { ProcessSpec, ReadyCheck } from "./types.js";

export interface ProcessSpecInput {
  root: string;
  /** The project's environment (the activation applied to the caller's environment). */
  env: Record<string, string>;
  /** Ports picked for this checkout, by process name. */
  ports: Record<string, number>;
}

/** `${port}` and `${root}` in a command, an env value or a ready URL. */
export function fillIn(text: string, root: string, port: number | undefined): string {
  return text.replaceAll("${root}", root).replaceAll("${port}", port === undefined ? "${port}" : String(port));
}

/** A word sh reads back as exactly `s`, whatever it holds (spaces, quotes, `$(…)`). */
export const shellQuote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/**
 * A string command runs in /bin/sh (so pipes, && and quoting work as in a terminal), with `${root}`
 * put in as one quoted word: a project path with spaces or quotes stays one argument and is never
 * run as code. A list is argv, filled in as is.
 */
export function commandArgv(command: string | string[], root: string, port: number | undefined): string[] {
  return typeof command === "string" ? ["/bin/sh", "-c", fillIn(command, shellQuote(root), port)] : command.map((a) => fillIn(a, root, port));
}

export function processSpec(p: ProcessRequest, input: ProcessSpecInput): ProcessSpec {
  const port = p.port === undefined ? undefined : input.ports[p.name];
  const env: Record<string, string> = { ...input.env };
  if (port !== undefined) env.PORT = String(port);
  for (const [k, v] of Object.entries(p.env)) env[k] = fillIn(v, input.root, port);
  const cwd = p.cwd === undefined ? input.root : isAbsolute(p.cwd) ? p.cwd : join(input.root, p.cwd);
  return {
    name: p.name,
    argv: commandArgv(p.command, input.root, port),
    cwd,
    env,
    after: p.after,
    ...(p.ready ? { ready: readyCheck(p.ready, input.root, port) } : {}),
    readyTimeoutMs: p.readyTimeout * 1000,
    restart: p.restart,
    stop: [{ signal: p.stopSignal, waitMs: p.stopTimeout * 1000 }],
    ...(port !== undefined ? { port } : {}),
  };
}

function readyCheck(r: ReadyRequest, root: string, port: number | undefined): ReadyCheck {
  if ("tcp" in r) return { kind: "tcp", host: "127.0.0.1", port: r.tcp === "port" ? port! : r.tcp };
  if ("http" in r) return { kind: "http", url: fillIn(r.http, root, port) };
  return { kind: "exec", argv: commandArgv(r.exec, root, port) };
}

/** `<NAME>_PORT` for a process name: upper case, `-` as `_`. */
export const portVariable = (name: string) => `${name.toUpperCase().replaceAll("-", "_")}_PORT`;

/** The names to start for `devenv up a b`: those and everything they wait for, in start order. */
export function withDependencies(order: readonly { name: string; after: string[] }[], names: readonly string[]): string[] {
  const byName = new Map(order.map((p) => [p.name, p]));
  const want = new Set<string>();
  const add = (n: string) => {
    if (want.has(n)) return;
    want.add(n);
    for (const d of byName.get(n)?.after ?? []) add(d);
  };
  names.forEach(add);
  return order.map((p) => p.name).filter((n) => want.has(n));
}

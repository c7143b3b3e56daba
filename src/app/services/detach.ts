/**
 * `devenv up -d`: the supervisor in the background (`devenv services-run`, its own session, output
 * appended to logs/supervisor.log, cwd the project root). Returns once every process is ready; if
 * the supervisor gives up first (a process failed to start: it stops what it started and exits),
 * throws with what it said.
 */
import { spawn } from "node:child_process";
import { closeSync, fstatSync, mkdirSync, openSync, readSync } from "node:fs";
import { join } from "node:path";
import { DevenvError } from "../../errors.js";
import { readStatus } from "../../services/status-file.js";
import type { LoadedServices } from "./load.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const supervisorLog = (loaded: Pick<LoadedServices, "paths">) => join(loaded.paths.logs, "supervisor.log");

export async function startDetached(
  loaded: LoadedServices,
  launch: { node: string; cli: string; env: NodeJS.ProcessEnv; args: string[] },
  opts: { timeoutMs?: number } = {},
): Promise<{ pid: number; log: string }> {
  const log = supervisorLog(loaded);
  mkdirSync(loaded.paths.logs, { recursive: true, mode: 0o755 });
  const fd = openSync(log, "a", 0o644);
  const from = fstatSync(fd).size;
  let child;
  try {
    child = spawn(launch.node, [launch.cli, "services-run", ...launch.args], { detached: true, stdio: ["ignore", fd, fd], env: launch.env, cwd: loaded.root });
  } finally {
    closeSync(fd);
  }
  let exited: string | undefined;
  child.once("exit", (code, signal) => (exited = signal ? `was killed by ${signal}` : `exited with code ${code}`));
  child.once("error", (e) => (exited = `could not be started: ${e.message}`));
  const pid = child.pid ?? -1;
  const deadline = Date.now() + (opts.timeoutMs ?? 15 * 60_000);
  try {
    for (;;) {
      const status = readStatus(loaded.paths);
      if (!exited && status?.pid === pid && status.ready) return { pid, log };
      if (exited) {
        const said = lastError(tail(log, from));
        throw new DevenvError("USAGE", said?.message ?? `the supervisor ${exited} before every process was ready`, {
          exitCode: 1,
          hint: `${said?.hint ? `${said.hint} ` : ""}Nothing was left running; the supervisor's output is in ${log}.`,
        });
      }
      if (Date.now() > deadline) {
        try {
          process.kill(pid, "SIGTERM");
        } catch {
          /* gone */
        }
        throw new DevenvError("USAGE", `the services were not ready within ${Math.round((opts.timeoutMs ?? 15 * 60_000) / 1000)} s; stopping them`, {
          exitCode: 1,
          hint: `See 'devenv logs' and ${log}.`,
        });
      }
      await sleep(50);
    }
  } finally {
    child.unref();
  }
}

/** What a file gained since `from` (bounded to its last 16 KiB). */
function tail(file: string, from: number): string {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch {
    return "";
  }
  try {
    const size = fstatSync(fd).size;
    const start = Math.max(from, size - 16 * 1024);
    const buf = Buffer.alloc(Math.max(0, size - start));
    readSync(fd, buf, 0, buf.length, start);
    return buf.toString("utf8");
  } finally {
    closeSync(fd);
  }
}

/** The last error the supervisor printed (`devenv: message`, then `  hint: …`). */
export function lastError(output: string): { message: string; hint?: string } | undefined {
  const lines = output.split("\n");
  const at = lines.findLastIndex((l) => l.startsWith("devenv: "));
  if (at < 0) return undefined;
  const rest = lines.slice(at);
  const h = rest.findIndex((l) => l.startsWith("  hint: "));
  const message = (h < 0 ? rest : rest.slice(0, h)).join("\n").replace(/^devenv: /, "").trimEnd();
  return h < 0 ? { message } : { message, hint: rest.slice(h).join(" ").replace(/^ {2}hint: /, "").trim() };
}

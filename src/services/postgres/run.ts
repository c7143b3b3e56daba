/** Run one of Postgres's programs (initdb, postgres --single) to the end, as the server's user. */
import { spawn } from "node:child_process";

export interface RunUser {
  uid: number;
  gid: number;
  name: string;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** stdout and stderr lines, in the order they came (per stream). */
  lines: string[];
  stdout: string;
}

export function runTool(
  argv: string[],
  opts: { user?: RunUser; cwd: string; env: Record<string, string>; input?: string; log?: (line: string) => void; timeoutMs?: number },
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: opts.cwd,
      env: opts.env,
      stdio: ["pipe", "pipe", "pipe"],
      ...(opts.user ? { uid: opts.user.uid, gid: opts.user.gid } : {}),
    });
    const lines: string[] = [];
    let stdout = "";
    const split = (onLine: (l: string) => void) => {
      let rest = "";
      return {
        push: (chunk: Buffer) => {
          rest += chunk.toString("utf8");
          const parts = rest.split("\n");
          rest = parts.pop()!;
          for (const l of parts) onLine(l);
        },
        flush: () => rest && onLine(rest),
      };
    };
    const line = (l: string) => {
      lines.push(l);
      if (l.trim()) opts.log?.(l);
    };
    const out = split(line);
    const err = split(line);
    child.stdout.on("data", (c: Buffer) => {
      stdout += c.toString("utf8");
      out.push(c);
    });
    child.stderr.on("data", (c: Buffer) => err.push(c));
    const timer = opts.timeoutMs ? setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs) : undefined;
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      out.flush();
      err.flush();
      resolve({ code, signal, lines, stdout });
    });
    child.stdin.on("error", () => {}); // it may exit before reading everything; its status says why
    child.stdin.end(opts.input ?? "");
  });
}

export const exitText = (r: Pick<RunResult, "code" | "signal">) => (r.signal ? `was killed by ${r.signal}` : `exited with status ${r.code}`);

/** The last `n` non-empty lines, for an error message. */
export const lastLines = (lines: string[], n = 15) => lines.filter((l) => l.trim()).slice(-n);

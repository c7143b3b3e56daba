import { spawn } from "node:child_process";
import { constants } from "node:os";
import { DevenvError } from "../errors.js";

const FORWARDED = ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGWINCH"] as const;

/**
 * Run a command with inherited stdio; its exit status passes through, and if it dies of a
 * signal, devenv dies of the same signal. Signals sent to devenv are forwarded to it.
 * (node:child_process rather than execa here: execa costs ~110 ms to import, on every `exec`.)
 */
export async function runInherited(file: string, args: string[], env: Record<string, string>): Promise<number> {
  // Forwarding is in place before the old handlers go and before the child exists: a signal in
  // between must neither kill devenv (orphaning the command) nor run the install clean-up's exit.
  let child: ReturnType<typeof spawn> | undefined;
  const early: NodeJS.Signals[] = [];
  const handlers = FORWARDED.map((s) => [s, () => (child ? child.kill(s) : early.push(s))] as const);
  for (const [s, h] of handlers) process.on(s, h);
  const ours = new Set<unknown>(handlers.map(([, h]) => h));
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    for (const l of process.listeners(sig)) if (!ours.has(l)) process.off(sig, l);
  }
  child = spawn(file, args, { stdio: "inherit", env });
  for (const s of early) child.kill(s);
  try {
    const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
      child!.once("error", reject);
      child!.once("exit", (c, s) => resolve({ code: c, signal: s }));
    });
    if (signal) {
      for (const [s, h] of handlers) process.off(s, h);
      process.kill(process.pid, signal);
      // Still alive (the signal is ignored here): the shell convention.
      return 128 + (constants.signals[signal] ?? 0);
    }
    return code ?? 1;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") {
      throw new DevenvError("NOT_INSTALLED", `command not found: ${file}`, {
        hint: "Is it provided by a tool in devenv.ts? 'devenv list' shows the project's tools.",
        exitCode: 127,
      });
    }
    if (code === "EACCES") throw new DevenvError("IO", `permission denied: ${file}`, { exitCode: 126 });
    throw new DevenvError("IO", `could not run ${file}: ${(e as Error).message}`);
  } finally {
    for (const [s, h] of handlers) process.off(s, h);
  }
}

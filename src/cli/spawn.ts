import { DevenvError } from "../errors.js";

/**
 * Run a command with inherited stdio; its exit status passes through, and if it dies of a
 * signal, devenv dies of the same signal. Signals sent to devenv are forwarded to it.
 */
export async function runInherited(file: string, args: string[], env: Record<string, string>): Promise<number> {
  const { execa } = await import("execa");
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) process.removeAllListeners(sig);
  const child = execa(file, args, { stdio: "inherit", env, extendEnv: false, reject: false, windowsHide: true });
  const forward = (sig: NodeJS.Signals) => () => child.kill(sig);
  const handlers = (["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2"] as const).map((s) => [s, forward(s)] as const);
  for (const [s, h] of handlers) process.on(s, h);
  const result = await child;
  for (const [s, h] of handlers) process.off(s, h);
  if (result.failed && result.exitCode === undefined && !result.signal) {
    const code = (result as { code?: string }).code;
    if (code === "ENOENT") {
      throw new DevenvError("NOT_INSTALLED", `command not found: ${file}`, {
        hint: "Is it provided by a tool in devenv.ts? 'devenv list' shows the project's tools.",
        exitCode: 127,
      });
    }
    if (code === "EACCES") throw new DevenvError("IO", `permission denied: ${file}`, { exitCode: 126 });
    throw new DevenvError("IO", `could not run ${file}: ${result.message}`, { exitCode: 1 });
  }
  if (result.signal) {
    process.kill(process.pid, result.signal);
    // If the signal is ignored or handled, fall back to the shell convention.
    return 128 + (signalNumber(result.signal) ?? 0);
  }
  return result.exitCode ?? 1;
}

function signalNumber(sig: string): number | undefined {
  return ({ SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGUSR1: 10, SIGSEGV: 11, SIGUSR2: 12, SIGPIPE: 13, SIGTERM: 15 } as Record<string, number>)[sig];
}

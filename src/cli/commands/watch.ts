import type { Command } from "commander";
import { readFileSync, rmSync } from "node:fs";
import { childRefresher } from "../../app/watch/index.js";
import { localStamp, watchPaths } from "../../state/watch-status.js";
import { runWatcher } from "../../app/watch/index.js";
import { resolveDirs } from "../../platform/dirs.js";
import { contextFor } from "../common.js";
import { printText } from "../output.js";

const SIGNALS = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 } as const;
const numbers = (s: string | undefined) =>
  (s ?? "").split(",").filter((x) => x.trim() !== "").map(Number).filter((n) => Number.isFinite(n) && n >= 0);

/** `devenv watch`: in the foreground until SIGINT/SIGTERM; `--detach` starts one in the background. */
export default async function watch(opts: { detach?: boolean; printService?: "systemd" | "launchd" }, cmd: Command): Promise<void> {
  const cli = process.argv[1]!;
  if (opts.printService) {
    const ctx = contextFor(cmd);
    const { renderService, serviceEnv } = await import("../../app/watch/service.js");
    process.stdout.write(renderService(opts.printService, { node: process.execPath, cli, env: serviceEnv(ctx.env), log: watchPaths(ctx.dirs.state).log }));
    return;
  }
  if (opts.detach) {
    const ctx = contextFor(cmd);
    const { startDetached } = await import("../../app/watch/daemon.js");
    const { pid, log } = await startDetached(ctx, cli);
    printText(`devenv watch is running in the background (pid ${pid}); log: ${log}\n`);
    return;
  }
  // The watcher itself loads only what watching needs; the refreshes run in child processes.
  const env = process.env;
  const state = resolveDirs(env).state;
  const log = (line: string) => printText(`${localStamp(Date.now())} ${line}\n`);
  const refresher = childRefresher({
    node: process.execPath,
    cli,
    env,
    offline: Boolean(cmd.optsWithGlobals<{ offline?: boolean }>().offline),
    timeoutMs: numbers(env.DEVENV_WATCH_TIMEOUT_MS)[0] || 60 * 60_000,
  });
  const debounce = numbers(env.DEVENV_WATCH_DEBOUNCE_MS)[0];
  const retry = numbers(env.DEVENV_WATCH_RETRY_MS);
  await runWatcher(state, { log, refresher, ...(debounce !== undefined ? { debounceMs: debounce } : {}), ...(retry.length ? { retryMs: retry } : {}) });
  const pidFile = watchPaths(state).pid;
  for (const sig of Object.keys(SIGNALS) as Array<keyof typeof SIGNALS>) {
    process.on(sig, () => {
      // The running refresh (if any) gets the signal too and removes its temp dirs.
      refresher.stop();
      try {
        if (readFileSync(pidFile, "utf8").trim() === String(process.pid)) rmSync(pidFile, { force: true });
      } catch {
        /* gone */
      }
      log(`stopped (${sig})`);
      process.exit(128 + SIGNALS[sig]);
    });
  }
  // Runs until a signal; the interval keeps the event loop alive even with nothing to watch.
  await new Promise<never>(() => setInterval(() => {}, 2 ** 31 - 1));
}

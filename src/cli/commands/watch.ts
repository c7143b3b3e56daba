import type { Command } from "commander";
import { readFileSync, rmSync } from "node:fs";
import { runWatcher } from "../../app/watch.js";
import { watchPaths } from "../../app/watch-files.js";
import { contextFor } from "../common.js";

/** `devenv watch`: in the foreground until SIGINT/SIGTERM; `--detach` starts one in the background. */
export default async function watch(opts: { detach?: boolean; printService?: "systemd" | "launchd" }, cmd: Command): Promise<void> {
  const stamp = () => new Date().toISOString().slice(0, 19).replace("T", " ");
  let pidFile: string | undefined;
  // Registered before contextFor's handler, which removes this process's temp dirs and pins and exits.
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(sig, () => {
      if (!pidFile) return;
      try {
        if (readFileSync(pidFile, "utf8").trim() === String(process.pid)) rmSync(pidFile, { force: true });
      } catch {
        /* gone */
      }
      process.stdout.write(`${stamp()} stopped (${sig})\n`);
    });
  }
  const ctx = contextFor(cmd);
  const cli = process.argv[1]!;
  if (opts.printService) {
    const { renderService, serviceEnv } = await import("../../app/watch-service.js");
    process.stdout.write(renderService(opts.printService, { node: process.execPath, cli, env: serviceEnv(ctx.env), log: watchPaths(ctx.dirs.state).log }));
    return;
  }
  if (opts.detach) {
    const { startDetached } = await import("../../app/watch-daemon.js");
    const { pid, log } = await startDetached(ctx, cli);
    process.stdout.write(`devenv watch is running in the background (pid ${pid}); log: ${log}\n`);
    return;
  }
  pidFile = watchPaths(ctx.dirs.state).pid;
  const retry = ctx.env.DEVENV_WATCH_RETRY_MS?.split(",").map(Number).filter((n) => Number.isFinite(n) && n >= 0);
  const debounce = Number(ctx.env.DEVENV_WATCH_DEBOUNCE_MS);
  const w = await runWatcher(ctx, {
    log: (line) => process.stdout.write(`${stamp()} ${line}\n`),
    ...(retry?.length ? { retryMs: retry } : {}),
    ...(Number.isFinite(debounce) && debounce >= 0 && ctx.env.DEVENV_WATCH_DEBOUNCE_MS ? { debounceMs: debounce } : {}),
  });
  // Runs until a signal: the handlers above and contextFor's end the process.
  await new Promise<never>(() => {
    setInterval(() => {}, 2 ** 31 - 1); // keeps the event loop alive even with nothing to watch
  }).finally(() => w.stop());
}

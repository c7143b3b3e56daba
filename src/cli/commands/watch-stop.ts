import type { Command } from "commander";
import { stopWatcher } from "../../app/watch/index.js";
import { contextFor } from "../common.js";
import { printText } from "../output.js";

/** `devenv watch stop`: stop the background watcher (exit 0 whether or not one was running). */
export default async function watchStop(_opts: Record<string, never>, cmd: Command): Promise<void> {
  const ctx = contextFor(cmd);
  const stopped = await stopWatcher(ctx.dirs.state);
  printText(stopped ? `stopped devenv watch (pid ${stopped.pid})\n` : "devenv watch is not running\n");
}

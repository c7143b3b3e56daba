import type { Command } from "commander";
import { loadServices, startDetached } from "../../app/services/index.js";
import { DevenvError } from "../../errors.js";
import { follow } from "../../services/follow.js";
import { supervisorAlive } from "../../services/stale.js";
import { readStatus } from "../../services/status-file.js";
import { logFile } from "../../services/paths.js";
import { contextFor } from "../common.js";
import { installPaths } from "../install-paths.js";
import { printText } from "../output.js";
import { linePrinter } from "../services-output.js";
import { superviseHere } from "../services-run.js";

/**
 * `devenv up [name…]`: the project's services and processes in the foreground, their lines
 * prefixed; Ctrl-C stops them in reverse order. `-d`: in the background; returns when all are ready.
 */
export default async function up(names: string[], opts: { detach?: boolean }, cmd: Command): Promise<number> {
  const ctx = contextFor(cmd);
  const loaded = await loadServices(ctx, names);
  for (const note of loaded.notes) process.stderr.write(`devenv: ${note}\n`);
  const live = supervisorAlive(loaded.paths);
  if (live) {
    const running = new Map((readStatus(loaded.paths)?.processes ?? []).map((p) => [p.name, p.state]));
    // Managed by that supervisor (ready, starting, waiting to restart…): not started twice.
    const managed = (n: string) => !["stopped", "failed", undefined].includes(running.get(n));
    const missing = loaded.specs.filter((s) => !managed(s.name)).map((s) => s.name);
    if (opts.detach && !missing.length) {
      printText(`already up (supervisor pid ${live.pid}): ${loaded.specs.map((s) => s.name).join(", ")}\n`);
      return 0;
    }
    throw new DevenvError("USAGE", `the services of ${loaded.root} are already up (supervisor pid ${live.pid}, ${live.mode})${missing.length ? `; not running: ${missing.join(", ")}` : ""}`, {
      exitCode: 1,
      hint: "'devenv logs -f' follows their output, 'devenv restart <name>' restarts one, 'devenv down' stops them all.",
    });
  }
  if (opts.detach) {
    const { pid } = await startDetached(loaded, { node: process.execPath, cli: installPaths().cli, env: ctx.env, args: names });
    const ports = loaded.specs.map((s) => (s.port !== undefined ? `${s.name} (port ${s.port})` : s.name));
    printText(`up: ${ports.join(", ")}; supervisor pid ${pid}\n  'devenv ps' shows them, 'devenv logs -f' follows their output, 'devenv down' stops them\n`);
    return 0;
  }
  const print = linePrinter([...loaded.specs.map((s) => s.name), "devenv"]);
  const stopFollowing = new AbortController();
  const files = loaded.specs.map((s) => ({ name: s.name, file: logFile(loaded.paths, s.name) }));
  const following = follow(files, print, stopFollowing.signal, { fromEnd: true });
  try {
    const how = await superviseHere(
      loaded,
      "foreground",
      (e) => print("devenv", `${e.name}: ${e.type}${e.detail ? ` (${e.detail})` : ""}`),
      () => print("devenv", "every process is ready; Ctrl-C stops them"),
    );
    if (how === "stopped while starting") print("devenv", "stopped before every process was ready");
  } finally {
    stopFollowing.abort();
    await following;
  }
  return 0;
}

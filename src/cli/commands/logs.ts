import type { Command } from "commander";
import { readdirSync } from "node:fs";
import { projectServicePaths } from "../../app/services/index.js";
import { DevenvError } from "../../errors.js";
import { follow } from "../../services/follow.js";
import { lastLines } from "../../services/logs.js";
import { logFile, type ServicePaths } from "../../services/paths.js";
import { contextFor } from "../common.js";
import { linePrinter } from "../services-output.js";

/** `devenv logs [-f] [-n N] [name…]`: the last lines of each process's log, then (-f) new ones as they come. */
export default async function logs(names: string[], opts: { follow?: boolean; lines?: string }, cmd: Command): Promise<number> {
  const { root, paths } = projectServicePaths(contextFor(cmd));
  const n = opts.lines === undefined ? 50 : Number(opts.lines);
  if (!Number.isInteger(n) || n < 0) throw new DevenvError("USAGE", `-n ${opts.lines}: expected a whole number of lines`, { hint: "e.g. devenv logs -n 100 web" });
  const known = logNames(paths);
  const unknown = names.filter((x) => !known.includes(x));
  if (unknown.length) {
    throw new DevenvError("USAGE", `no log for ${unknown.join(", ")} in ${root}`, {
      exitCode: 1,
      hint: known.length ? `Logs exist for: ${known.join(", ")}.` : "Nothing has run yet: 'devenv up' starts the services.",
    });
  }
  const chosen = names.length ? names : known;
  const print = linePrinter(chosen);
  for (const name of chosen) for (const line of lastLines(logFile(paths, name), n)) print(name, line);
  if (!opts.follow) return 0;
  const stop = new AbortController();
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.once(sig, () => stop.abort());
  await follow(chosen.map((name) => ({ name, file: logFile(paths, name) })), print, stop.signal, { fromEnd: true });
  return 0;
}

/** The processes with a log (supervisor.log is the supervisor's own: `devenv logs supervisor` shows it too). */
function logNames(paths: ServicePaths): string[] {
  try {
    return readdirSync(paths.logs).filter((f) => f.endsWith(".log")).map((f) => f.slice(0, -4)).sort((a, b) => (a === "supervisor" ? 1 : b === "supervisor" ? -1 : a.localeCompare(b)));
  } catch {
    return [];
  }
}

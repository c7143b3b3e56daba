import type { Command } from "commander";
import { projectServicePaths } from "../../app/services/index.js";
import { readProjectStatus } from "../../services/project-status.js";
import { contextFor } from "../common.js";
import { printJson, printText } from "../output.js";
import { shortAge } from "../services-output.js";
import { table } from "../table.js";

/** `devenv ps`: the project's processes: pid, state, port, uptime, restarts. */
export default async function ps(opts: { json?: boolean }, cmd: Command): Promise<number> {
  const { root, paths } = projectServicePaths(contextFor(cmd));
  const status = readProjectStatus(paths);
  if (opts.json) {
    printJson({ root, ...status });
    return 0;
  }
  if (status.state === "down" || !status.processes.length) {
    printText(`the services of ${root} are not up\n`);
    return 0;
  }
  const now = Date.now();
  const rows = status.processes.map((p) => [
    p.name,
    p.pid === undefined ? "-" : String(p.pid),
    describeState(p, now),
    p.port === undefined ? "-" : String(p.port),
    p.startedAt === undefined || p.pid === undefined ? "-" : shortAge(now - p.startedAt),
    String(p.restarts),
  ]);
  printText(table(["NAME", "PID", "STATE", "PORT", "UPTIME", "RESTARTS"], rows));
  if (!status.supervisor?.alive) printText("no supervisor is running: 'devenv down' stops what is left, 'devenv up -d' starts again\n");
  return 0;
}

function describeState(p: { state: string; lastExit?: string; nextStartAt?: number; error?: string }, now: number): string {
  if (p.state === "backoff") return `restarting in ${shortAge((p.nextStartAt ?? now) - now)} (${p.lastExit ?? "exited"})`;
  if (p.state === "exited" || p.state === "failed") return `${p.state}${p.lastExit ? ` (${p.lastExit})` : ""}${p.error ? `: ${p.error}` : ""}`;
  return p.state;
}

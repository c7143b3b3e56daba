import type { Command } from "commander";
import { projectServicePaths } from "../../app/services/index.js";
import { DevenvError } from "../../errors.js";
import { requestRestart } from "../../services/control.js";
import { readStatus } from "../../services/status-file.js";
import { contextFor } from "../common.js";
import { printText } from "../output.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `devenv restart [name…]`: ask the running supervisor to restart these (default: all), and wait until they are ready again. */
export default async function restart(names: string[], _opts: unknown, cmd: Command): Promise<number> {
  const { root, paths } = projectServicePaths(contextFor(cmd));
  const before = readStatus(paths);
  const known = (before?.processes ?? []).map((p) => p.name);
  const unknown = names.filter((n) => !known.includes(n));
  if (before && unknown.length) {
    throw new DevenvError("USAGE", `${unknown.join(", ")}: not running in ${root}`, { exitCode: 1, hint: `Running: ${known.join(", ") || "nothing"}.` });
  }
  const { supervisor } = await requestRestart(paths, names);
  const wanted = names.length ? names : known;
  const startedBefore = new Map((before?.processes ?? []).map((p) => [p.name, p.startedAt ?? 0]));
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    const now = readStatus(paths);
    if (!now || now.pid !== supervisor) throw new DevenvError("USAGE", `the supervisor of ${root} stopped during the restart`, { exitCode: 1, hint: "'devenv logs supervisor' says why." });
    const procs = now.processes.filter((p) => wanted.includes(p.name));
    const failed = procs.find((p) => p.state === "failed");
    if (failed) throw new DevenvError("USAGE", `${failed.name} did not start again${failed.error ? `: ${failed.error}` : ""}`, { exitCode: 1, hint: `'devenv logs ${failed.name}' shows its output.` });
    if (procs.length === wanted.length && procs.every((p) => p.state === "ready" && (p.startedAt ?? 0) > (startedBefore.get(p.name) ?? 0))) break;
    if (Date.now() > deadline) throw new DevenvError("USAGE", `${wanted.join(", ")} not ready again after 10 minutes`, { exitCode: 1, hint: "'devenv ps' and 'devenv logs' show where they are." });
    await sleep(50);
  }
  printText(`restarted ${wanted.join(", ")}\n`);
  return 0;
}

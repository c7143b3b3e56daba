import type { Command } from "commander";
import { projectServicePaths } from "../../app/services/index.js";
import { stopProject } from "../../services/down.js";
import { contextFor } from "../common.js";
import { printText } from "../output.js";

/** `devenv down`: stop the project's supervisor and everything it runs; also what a killed one left. */
export default async function down(_opts: unknown, cmd: Command): Promise<number> {
  const { root, paths } = projectServicePaths(contextFor(cmd));
  const r = await stopProject(paths);
  if (!r.wasUp && !r.stopped.length) printText(`the services of ${root} are not up; nothing to stop\n`);
  else printText(`stopped${r.stopped.length ? `: ${r.stopped.join(", ")}` : ""}${r.wasUp ? "" : " (left behind by a supervisor that was killed)"}\n`);
  return 0;
}

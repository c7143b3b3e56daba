import type { Command } from "commander";
import { projectServicePaths } from "../../app/services/index.js";
import { DevenvError } from "../../errors.js";
import { requestRestart } from "../../services/control.js";
import { supervisorAlive } from "../../services/down.js";
import { contextFor } from "../common.js";
import { printText } from "../output.js";

/** `devenv restart [name…]`: ask the running supervisor to restart these (default: all), and wait until they are ready. */
export default async function restart(names: string[], _opts: unknown, cmd: Command): Promise<number> {
  const { root, paths } = projectServicePaths(contextFor(cmd));
  if (!supervisorAlive(paths)) {
    throw new DevenvError("USAGE", `the services of ${root} are not up`, { exitCode: 1, hint: "'devenv up -d' starts them." });
  }
  const done = await requestRestart(paths, names);
  printText(`restarted ${done.join(", ")}\n`);
  return 0;
}

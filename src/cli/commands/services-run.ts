import type { Command } from "commander";
import { loadServices } from "../../app/services/index.js";
import { localStamp } from "../../state/watch-status.js";
import { contextFor } from "../common.js";
import { superviseHere } from "../services-run.js";

/** The background supervisor `devenv up -d` starts (output: logs/supervisor.log). */
export default async function servicesRun(names: string[], _opts: unknown, cmd: Command): Promise<number> {
  const ctx = contextFor(cmd);
  const loaded = await loadServices(ctx, names);
  const say = (line: string) => process.stdout.write(`${localStamp(Date.now())} ${line}\n`);
  say(`supervisor ${process.pid} for ${loaded.root}`);
  await superviseHere(loaded, "detached", (e) => say(`${e.name}: ${e.type}${e.detail ? ` (${e.detail})` : ""}`), () => say("every process is ready"));
  say("stopped");
  return 0;
}

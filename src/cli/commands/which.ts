import type { Command } from "commander";
import { prepareProject } from "../../app/activate.js";
import { whichBin } from "../../app/query.js";
import { DevenvError } from "../../errors.js";
import { contextFor } from "../common.js";

export default async function which(bin: string, _opts: unknown, cmd: Command): Promise<void> {
  const prepared = await prepareProject(contextFor(cmd));
  const found = whichBin(prepared.plan.path, bin);
  if (!found) {
    throw new DevenvError("NOT_INSTALLED", `no tool of this project provides '${bin}'`, {
      hint: `Tools here: ${prepared.project.tools.map((t) => t.name).join(", ") || "none"}.`,
    });
  }
  process.stdout.write(found + "\n");
}

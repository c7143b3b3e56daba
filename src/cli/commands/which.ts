import type { Command } from "commander";
import { cacheForLauncher, chainPath, prepareChain } from "../../app/activation/index.js";
import { whichBin } from "../../app/activation/index.js";
import { DevenvError } from "../../errors.js";
import { contextFor } from "../common.js";

export default async function which(bin: string, _opts: unknown, cmd: Command): Promise<void> {
  const ctx = contextFor(cmd);
  const layers = await prepareChain(ctx);
  const found = whichBin(chainPath(layers), bin);
  if (!found) {
    throw new DevenvError("NOT_INSTALLED", `no tool of this project provides '${bin}'`, {
      hint: `Tools here: ${layers.flatMap((l) => l.project.tools).map((t) => t.name).join(", ") || "none"}.`,
    });
  }
  process.stdout.write(found + "\n");
  await cacheForLauncher(ctx, layers);
}

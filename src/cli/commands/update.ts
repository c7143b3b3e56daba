import type { Command } from "commander";
import { requireRoot, syncProject } from "../../app/project/index.js";
import { contextFor } from "../common.js";
import { checksumFlags, describeLockChanges, describeTrusted, type ChecksumFlags } from "./lock.js";
import { printText } from "../output.js";

export default async function update(tools: string[], opts: { install: boolean } & ChecksumFlags, cmd: Command): Promise<void> {
  const ctx = contextFor(cmd);
  // fresh: version lists fetched again, not taken from the cache.
  const lock = { update: tools.length ? tools : ("all" as const), fresh: true };
  const { lock: result } = await syncProject(ctx, requireRoot(ctx), { lock, install: opts.install, ...checksumFlags(opts) });
  const lines = describeLockChanges(result);
  printText([...(lines.length ? lines : ["everything is at the newest version its range allows"]), ...describeTrusted(result)].join("\n") + "\n");
}

import type { Command } from "commander";
import { projectTools } from "../../app/project/index.js";
import { installPinned } from "../../app/project/index.js";
import { lockProject } from "../../app/project/index.js";
import { loadProject, readLock, writeLock } from "../../app/project/index.js";
import { DevenvError } from "../../errors.js";
import { contextFor } from "../common.js";
import { checksumFlags, describeLockChanges, describeTrusted, type ChecksumFlags } from "./lock.js";
import { printText } from "../output.js";

export default async function update(tools: string[], opts: { install: boolean } & ChecksumFlags, cmd: Command): Promise<void> {
  const ctx = contextFor(cmd);
  const project = await loadProject(ctx);
  const unknown = tools.filter((t) => !project.tools.some((r) => r.name === t));
  if (unknown.length) {
    throw new DevenvError("USAGE", `not in devenv.ts: ${unknown.join(", ")}`, { hint: `Tools here: ${project.tools.map((t) => t.name).join(", ")}.` });
  }
  // A fresh version list: drop the TTL for this run.
  ctx.versionsTtl = 0;
  const { lock: current, text } = await readLock(project.root);
  const result = await lockProject(ctx, project, current, { update: tools.length ? new Set(tools) : "all", ...checksumFlags(opts) });
  await writeLock(project.root, result.lock, text);
  if (opts.install) await installPinned(ctx, project.root, result.lock, await projectTools(ctx, project, result.lock));
  const lines = describeLockChanges(result);
  printText([...(lines.length ? lines : ["everything is at the newest version its range allows"]), ...describeTrusted(result)].join("\n") + "\n");
}

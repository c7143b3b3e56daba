import type { Command } from "commander";
import { addTools, parseToolArg } from "../../app/project/index.js";
import { contextFor } from "../common.js";
import { checksumFlags, describeLockChanges, describeTrusted, type ChecksumFlags } from "./lock.js";
import { printText } from "../output.js";

export default async function add(tools: string[], opts: { install: boolean; from?: string } & ChecksumFlags, cmd: Command): Promise<void> {
  const ctx = contextFor(cmd);
  const result = await addTools(ctx, tools.map(parseToolArg), { install: opts.install, ...(opts.from ? { from: opts.from } : {}), ...checksumFlags(opts) });
  const out: string[] = [];
  if (result.created) out.push(`created ${result.root}/devenv.ts`);
  out.push(...describeLockChanges(result.lock), ...describeTrusted(result.lock));
  if (!opts.install) out.push("not installed (--no-install): run 'devenv install'");
  printText(out.join("\n") + "\n");
}

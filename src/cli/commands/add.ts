import type { Command } from "commander";
import { addTools, globalRoot, parseToolArg } from "../../app/project/index.js";
import { contextFor } from "../common.js";
import { checksumFlags, describeLockChanges, describeTrusted, type ChecksumFlags } from "./lock.js";
import { printText } from "../output.js";

export default async function add(tools: string[], opts: { install: boolean; from?: string; global?: boolean } & ChecksumFlags, cmd: Command): Promise<void> {
  const ctx = contextFor(cmd);
  const args = tools.map(parseToolArg);
  // -g: the user-wide project in devenv's config dir, made on first use.
  const root = opts.global ? await globalRoot(ctx, { create: true }) : undefined;
  const result = await addTools(ctx, args, { install: opts.install, ...(opts.from ? { from: opts.from } : {}), ...(root ? { root } : {}), ...checksumFlags(opts) });
  const out: string[] = [];
  if (result.created) out.push(`created ${result.root}/devenv.ts`);
  out.push(...describeLockChanges(result.lock), ...describeTrusted(result.lock));
  if (!opts.install) out.push(`not installed (--no-install): run 'devenv install'${root ? ` in ${root}` : ""}`);
  printText(out.join("\n") + "\n");
}

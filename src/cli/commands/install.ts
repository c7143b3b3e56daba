import type { Command } from "commander";
import { prepareProject } from "../../app/activation/index.js";
import { contextFor } from "../common.js";
import { printText } from "../output.js";
import { checksumFlags, describeTrusted, type ChecksumFlags } from "./lock.js";

export default async function install(opts: { frozen?: boolean } & ChecksumFlags, cmd: Command): Promise<void> {
  const ctx = contextFor(cmd);
  // stamp: shells that showed "not installed; run 'devenv install'" look again at their next prompt.
  const prepared = await prepareProject(ctx, { frozen: Boolean(opts.frozen), ...checksumFlags(opts), stamp: "always" });
  const fresh = prepared.installed.filter((t) => t.fresh).length;
  const lines = prepared.installed.map((t) => `${t.name} ${t.version}  ${t.dir}`);
  if (prepared.lockWritten) lines.unshift("wrote devenv.lock");
  lines.push(...describeTrusted(prepared));
  lines.push(fresh ? `installed ${fresh} tool${fresh > 1 ? "s" : ""}` : "all tools already installed");
  printText(lines.join("\n") + "\n");
}

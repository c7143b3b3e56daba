import type { Command } from "commander";
import { toolVersions } from "../../app/project/index.js";
import { printJson, printText } from "../output.js";
import { contextFor } from "../common.js";

export default async function versions(tool: string, opts: { json?: boolean; from?: string }, cmd: Command): Promise<void> {
  const list = await toolVersions(contextFor(cmd), tool, opts.from ? { from: opts.from } : {});
  if (opts.json) return printJson(list);
  printText(list.map((v) => [v.version, v.lts ? `(lts: ${v.lts})` : "", v.missing ? `(no ${v.missing.join(", ")} build)` : ""].filter(Boolean).join("  ")).join("\n") + "\n");
}

import type { Command } from "commander";
import { toolVersions } from "../../app/query.js";
import { printJson, printText } from "../output.js";
import { contextFor } from "../common.js";

export default async function versions(tool: string, opts: { json?: boolean }, cmd: Command): Promise<void> {
  const list = await toolVersions(contextFor(cmd), tool.toLowerCase());
  if (opts.json) return printJson(list);
  printText(list.map((v) => (v.lts ? `${v.version}  (lts: ${v.lts})` : v.version)).join("\n") + "\n");
}

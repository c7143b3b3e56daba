import type { Command } from "commander";
import { removeToolsFromProject, requireGlobalRoot } from "../../app/project/index.js";
import { contextFor } from "../common.js";
import { printText } from "../output.js";

export default async function remove(tools: string[], opts: { global?: boolean }, cmd: Command): Promise<void> {
  const ctx = contextFor(cmd);
  const names = tools.map((t) => t.toLowerCase());
  const result = await (opts.global ? removeToolsFromProject(ctx, names, await requireGlobalRoot(ctx)) : removeToolsFromProject(ctx, names));
  printText(result.removed.map((n) => `removed ${n}`).join("\n") + "\n");
}

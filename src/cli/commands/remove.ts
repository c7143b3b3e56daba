import type { Command } from "commander";
import { removeToolsFromProject, requireGlobalRoot } from "../../app/project/index.js";
import { contextFor } from "../common.js";
import { printText } from "../output.js";

export default async function remove(tools: string[], opts: { global?: boolean }, cmd: Command): Promise<void> {
  const ctx = contextFor(cmd);
  const names = tools.map((t) => t.toLowerCase());
  const result = await removeToolsFromProject(ctx, names, opts.global ? await requireGlobalRoot(ctx) : undefined);
  printText(result.removed.map((n) => `removed ${n}`).join("\n") + "\n");
}

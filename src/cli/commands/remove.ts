import type { Command } from "commander";
import { removeToolsFromProject } from "../../app/project/index.js";
import { contextFor } from "../common.js";
import { printText } from "../output.js";

export default async function remove(tools: string[], _opts: unknown, cmd: Command): Promise<void> {
  const result = await removeToolsFromProject(contextFor(cmd), tools.map((t) => t.toLowerCase()));
  printText(result.removed.map((n) => `removed ${n}`).join("\n") + "\n");
}

import type { Command } from "commander";
import { initProject } from "../../app/project/index.js";
import { importableFiles } from "../../app/project/import.js";
import { contextFor } from "../common.js";
import { printText } from "../output.js";

export default async function init(_opts: unknown, cmd: Command): Promise<void> {
  const ctx = contextFor(cmd);
  const { file, created } = await initProject(ctx);
  const found = importableFiles(ctx.cwd);
  const hint = found.length ? `found ${found.join(", ")}: 'devenv import' adds their tools to devenv.ts (--dry-run shows it first)\n` : "";
  printText((created ? `created ${file}\n` : `${file} already exists\n`) + hint);
}

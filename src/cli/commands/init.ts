import type { Command } from "commander";
import { initProject } from "../../app/project/index.js";
import { contextFor } from "../common.js";
import { printText } from "../output.js";

export default async function init(_opts: unknown, cmd: Command): Promise<void> {
  const { file, created } = await initProject(contextFor(cmd));
  printText(created ? `created ${file}\n` : `${file} already exists\n`);
}

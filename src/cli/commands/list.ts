import type { Command } from "commander";
import { existingGlobalRoot, loadProject, readLock } from "../../app/project/index.js";
import { listProject } from "../../app/project/index.js";
import { printJson, printText } from "../output.js";
import { contextFor } from "../common.js";
import { table } from "../table.js";

export default async function list(opts: { json?: boolean; global?: boolean }, cmd: Command): Promise<void> {
  const ctx = contextFor(cmd);
  const root = opts.global ? await existingGlobalRoot(ctx) : undefined;
  if (opts.global && !root) {
    if (opts.json) return printJson([]);
    return printText("no user-wide tools ('devenv add -g <tool>' adds one)\n");
  }
  const project = await loadProject(ctx, root);
  const rows = await listProject(ctx, project, (await readLock(project.root)).lock);
  if (opts.json) return printJson(rows);
  printText(table(["tool", "request", "locked", "installed"], rows.map((r) => [r.name, r.request, r.locked ?? "-", r.installed ? "yes" : "no"])));
}

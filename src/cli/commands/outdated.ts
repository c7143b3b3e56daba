import type { Command } from "commander";
import { loadProject, readLock } from "../../app/project/index.js";
import { outdated as outdatedRows } from "../../app/project/index.js";
import { printJson, printText } from "../output.js";
import { contextFor } from "../common.js";
import { table } from "../table.js";

export default async function outdated(opts: { json?: boolean }, cmd: Command): Promise<number> {
  const ctx = contextFor(cmd);
  const project = await loadProject(ctx);
  const rows = (await outdatedRows(ctx, project, (await readLock(project.root)).lock)).filter(
    (r) => r.locked !== r.wanted || r.locked !== r.latest,
  );
  if (opts.json) printJson(rows);
  else if (!rows.length) printText("all tools are up to date\n");
  else printText(table(["tool", "request", "locked", "wanted", "latest"], rows.map((r) => [r.name, r.request, r.locked ?? "-", r.wanted ?? "-", r.latest ?? "-"])));
  return 0;
}

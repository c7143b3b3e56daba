import { searchRegistry } from "../../app/project/index.js";
import { printJson, printText } from "../output.js";
import { table } from "../table.js";

export default async function search(text: string | undefined, opts: { json?: boolean }): Promise<number> {
  const rows = await searchRegistry(text ?? "");
  if (opts.json) printJson(rows);
  else if (!rows.length) printText(`no tool matches '${text}'\n`);
  else printText(table(["tool", "description"], rows.map((r) => [r.name, r.description])));
  return rows.length ? 0 : 1;
}

import type { Command } from "commander";
import { searchTools } from "../../app/catalog/search.js";
import { contextFor } from "../common.js";
import { printJson, printText } from "../output.js";
import { table } from "../table.js";

export default async function search(words: string[] | undefined, opts: { json?: boolean }, cmd: Command): Promise<number> {
  const ctx = contextFor(cmd);
  const text = (words ?? []).join(" ");
  const { rows, catalogue } = await searchTools(ctx, text);
  if (catalogue) ctx.reporter.warn(`built-in tools only: ${catalogue}`);
  if (opts.json) printJson(rows);
  else if (!rows.length) printText(`no tool matches '${text}'\n`);
  else printText(table(["tool", "description"], rows.map((r) => [r.name, oneLine(r.description)])));
  return rows.length ? 0 : 1;
}

const oneLine = (s: string) => {
  const line = s.replace(/\s+/g, " ").trim();
  return line.length > 90 ? `${line.slice(0, 89)}…` : line;
};

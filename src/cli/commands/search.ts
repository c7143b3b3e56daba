import type { Command } from "commander";
import { searchTools, type SearchRow } from "../../app/catalog/search.js";
import { otherSourceNames } from "../../../recipes/summaries.js";
import { projectSources } from "../../app/project/catalog.js";
import { DevenvError } from "../../errors.js";
import { contextFor } from "../common.js";
import { printJson, printText } from "../output.js";
import { table } from "../table.js";

export default async function search(words: string[] | undefined, opts: { json?: boolean; from?: string }, cmd: Command): Promise<number> {
  const ctx = contextFor(cmd);
  const text = (words ?? []).join(" ");
  if (opts.from !== undefined && !otherSourceNames().includes(opts.from)) {
    throw new DevenvError("USAGE", `--from ${opts.from}: no built-in tool has that source`, {
      hint: `The other sources devenv knows: ${otherSourceNames().join(", ")} (devenv search --from npm lists the tools it publishes).`,
    });
  }
  const { rows: found, catalogue } = await searchTools(ctx, text, opts.from === undefined ? {} : { from: opts.from });
  if (catalogue) ctx.reporter.warn(`built-in tools only: ${catalogue}`);
  // The source the project here takes each tool from: what `devenv versions` and `add` will use.
  const here = found.some((r) => r.from) ? await projectSources(ctx) : new Map<string, string>();
  const rows = found.map((r) => (here.has(r.name) && r.from ? { ...r, project: here.get(r.name)! } : r));
  if (opts.json) printJson(rows);
  else if (!rows.length) printText(`no tool matches '${text}'${opts.from ? ` from ${opts.from}` : ""}\n`);
  else if (!rows.some((r) => r.from)) printText(table(["tool", "description"], rows.map((r) => [r.name, oneLine(r.description)])));
  else printText(table(["tool", "sources", "description"], rows.map((r) => [r.name, sources(r), oneLine(r.description)])));
  return rows.length ? 0 : 1;
}

/** "upstream, npm", the one the project here uses marked: "upstream, npm (this project)". */
const sources = (r: SearchRow & { project?: string }) =>
  r.from ? ["upstream", ...r.from].map((s) => (s === r.project ? `${s} (this project)` : s)).join(", ") : "";

const oneLine = (s: string) => {
  const line = s.replace(/\s+/g, " ").trim();
  return line.length > 90 ? `${line.slice(0, 89)}…` : line;
};

import type { Command } from "commander";
import { listStore } from "../../app/store/index.js";
import { contextFor } from "../common.js";
import { printJson, printText } from "../output.js";
import { fmtBytes } from "../progress.js";
import { table } from "../table.js";

export default async function storeLs(opts: { json?: boolean }, cmd: Command): Promise<void> {
  const ctx = contextFor(cmd);
  const rows = listStore(ctx);
  if (opts.json) return printJson(rows);
  if (!rows.length) {
    printText(`the store is empty (${ctx.dirs.store})\n`);
    return;
  }
  const users = (r: (typeof rows)[number]) => {
    const all = [...new Set([...r.projects, ...r.activeIn])];
    return all.length ? all.join(", ") : r.tool ? "(none: 'devenv gc' removes it)" : "(incomplete)";
  };
  printText(
    table(
      ["tool", "version", "size", "last used", "used by", "entry"],
      rows.map((r) => [r.tool, r.version || "?", fmtBytes(r.size), r.lastUsed?.slice(0, 10) ?? "-", users(r), r.entry]),
    ),
  );
  const total = rows.reduce((n, r) => n + r.size, 0);
  const unused = rows.filter((r) => !r.projects.length && !r.activeIn.length);
  printText(`${rows.length} entries, ${fmtBytes(total)}; ${unused.length} unused (${fmtBytes(unused.reduce((n, r) => n + r.size, 0))})\n`);
}

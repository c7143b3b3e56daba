import type { Command } from "commander";
import { repairEntries, verifyStore, type VerifiedEntry } from "../../app/store/index.js";
import type { EntryCheck } from "../../store/verify.js";
import { contextFor } from "../common.js";
import { printJson, printText } from "../output.js";

const SHOW = 5;

export default async function storeVerify(entries: string[], opts: { repair?: boolean; json?: boolean }, cmd: Command): Promise<number> {
  const ctx = contextFor(cmd);
  const report = verifyStore(ctx, entries);
  const bad = report.entries.filter((e) => !e.ok);
  const repaired = opts.repair && bad.length ? await repairEntries(ctx, bad.map((e) => e.entry)) : undefined;
  const allRepaired = repaired !== undefined && repaired.every((r) => r.outcome !== "failed");
  const code = bad.length && !allRepaired ? 1 : 0;
  if (opts.json) {
    printJson({ ...report, ...(repaired ? { repaired } : {}) });
    return code;
  }

  const out: string[] = [];
  for (const e of bad) out.push(describeEntry(e));
  const n = report.entries.length;
  const unhashed = report.entries.reduce((k, e) => k + (e.check?.unhashed ?? 0), 0);
  const oldReceipts = unhashed
    ? `; ${unhashed} ${unhashed === 1 ? "file" : "files"} checked by size only (receipts written before per-file hashes)`
    : "";
  if (!n) out.push(`the store is empty (${ctx.dirs.store})`);
  else {
    const what = `checked ${n} ${n === 1 ? "entry" : "entries"}: ${bad.length ? `${bad.length} modified` : "all match their receipts"}`;
    out.push(what + oldReceipts);
  }
  if (repaired) {
    for (const r of repaired) {
      const label = `${r.tool} ${r.version}`.trimEnd();
      if (r.outcome === "reinstalled") out.push(`reinstalled ${label} (for ${r.project})  ${r.entry}`);
      else if (r.outcome === "removed") out.push(`removed ${label} (no project's devenv.lock uses it)  ${r.entry}`);
    }
  }
  printText(out.join("\n") + "\n");

  if (repaired) {
    const failed = repaired.filter((r) => r.outcome === "failed");
    for (const r of failed) {
      printText(`devenv: could not reinstall ${`${r.tool} ${r.version}`.trimEnd()} (${r.entry}): ${r.message ?? "unknown error"}\n`, process.stderr);
      if (r.hint) printText(`  hint: ${r.hint}\n`, process.stderr);
      if (r.project) printText(`  the modified entry was removed from the store; once that is fixed, 'devenv install' in ${r.project} reinstalls it.\n`, process.stderr);
    }
  } else if (bad.length) {
    const again = ["devenv store verify --repair", ...entries].join(" ");
    printText(`devenv: ${bad.length} modified store ${bad.length === 1 ? "entry" : "entries"}\n`, process.stderr);
    printText(`  hint: run '${again}' to reinstall ${bad.length === 1 ? "it" : "them"}.\n`, process.stderr);
  }
  return code;
}

function describeEntry(e: VerifiedEntry): string {
  const head = `${e.tool} ${e.version}`.trimEnd() + `  ${e.entry}: `;
  if (!e.check) return head + (e.problem ?? "not checked");
  return head + summarize(e.check);
}

const list = (paths: string[]) =>
  paths.slice(0, SHOW).join(", ") + (paths.length > SHOW ? `, … ${paths.length - SHOW} more` : "");

/** `2 changed (bin/node content, lib/a mode), 1 missing (x), 1 added (y)` */
export function summarize(c: EntryCheck): string {
  const byPath = new Map<string, string[]>();
  for (const ch of c.changed) byPath.set(ch.path, [...(byPath.get(ch.path) ?? []), ch.what]);
  const parts: string[] = [];
  if (byPath.size) parts.push(`${byPath.size} changed (${list([...byPath].map(([p, w]) => `${p} ${w.join("+")}`))})`);
  if (c.missing.length) parts.push(`${c.missing.length} missing (${list(c.missing)})`);
  if (c.added.length) parts.push(`${c.added.length} added (${list(c.added)})`);
  return parts.join(", ");
}

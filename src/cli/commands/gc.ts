import type { Command } from "commander";
import { parseDuration } from "../../app/gc/index.js";
import { runGc, type GcReport } from "../../app/gc/index.js";
import { entryLabel } from "../../store/entries.js";
import { contextFor } from "../common.js";
import { printJson, printText } from "../output.js";
import { fmtBytes } from "../progress.js";
import { renderServiceData } from "./gc-service-data.js";

export default async function gc(opts: { dryRun?: boolean; olderThan?: string; forgetUnreadable?: boolean; removeServiceData?: boolean; verbose?: boolean; json?: boolean }, cmd: Command): Promise<void> {
  const olderThanMs = opts.olderThan !== undefined ? parseDuration(opts.olderThan) : undefined;
  const ctx = contextFor(cmd);
  const report = await runGc(ctx, { dryRun: Boolean(opts.dryRun), forget: Boolean(opts.forgetUnreadable), removeServiceData: Boolean(opts.removeServiceData), ...(olderThanMs !== undefined ? { olderThanMs } : {}) });
  if (opts.json) return printJson(report);
  printText(render(report, { verbose: Boolean(opts.verbose) || report.dryRun }));
}

const LEFTOVER: Record<string, string> = {
  temp: "interrupted install",
  trash: "interrupted gc",
  "version-list": "stale version list",
  "compiled-config": "stale compiled devenv.ts",
  "hook-value": "saved shell value",
  activation: "cached activation of a deleted project",
};

const KEPT: Record<GcReport["keptEntries"][number]["reason"], string> = {
  locked: "in the devenv.lock of",
  active: "in an active shell's environment of",
  pinned: "being installed or activated",
  installing: "being installed",
  recent: "used recently",
  temporary: "used by devenv x or shell -p within the last hour; --older-than 0d frees it",
};

/** `verbose` (and every --dry-run): one line per kept entry, saying why and for which projects. */
export function render(r: GcReport, opts: { verbose?: boolean } = {}): string {
  const verb = r.dryRun ? "would remove" : "removed";
  const lines: string[] = [];
  for (const p of r.droppedRoots) lines.push(`project gone: ${p} (no longer keeps anything)`);
  for (const f of r.forgotten) lines.push(`forgot gc root ${f.path ?? f.file} (${f.reason})`);
  for (const u of r.unreadableLocks) lines.push(`warning: ${u.path}: devenv.lock unreadable (${u.reason}); keeping what it last used`);
  for (const e of r.removed) {
    const why = e.reason === "incomplete" ? "incomplete install" : e.lastUsed ? `last used ${e.lastUsed.slice(0, 10)}` : "unused";
    lines.push(`${verb} ${e.tool} ${e.version}`.trimEnd() + `  ${fmtBytes(e.size)}  (${why})  ${e.entry}`);
  }
  for (const l of r.leftovers) lines.push(`${verb} ${LEFTOVER[l.kind]}${l.size ? `  ${fmtBytes(l.size)}` : ""}  ${l.path}`);
  const kept = r.kept;
  const why = [
    kept.locked && `${kept.locked} in a project's devenv.lock`,
    kept.active && `${kept.active} in an active shell's environment`,
    kept.pinned + kept.installing && `${kept.pinned + kept.installing} being installed or activated`,
    kept.recent && `${kept.recent} used recently`,
    kept.temporary && `${kept.temporary} used by devenv x or shell -p within the last hour`,
  ].filter(Boolean);
  if (opts.verbose) {
    for (const k of r.keptEntries) lines.push(`kept ${entryLabel(k.entry)}  (${KEPT[k.reason]}${k.by.length ? ` ${k.by.join(", ")}` : ""})  ${k.entry}`);
  }
  const n = r.removed.length;
  const summary = n || r.leftovers.length
    ? `${r.dryRun ? "would free" : "freed"} ${fmtBytes(r.freed)} (${n} ${n === 1 ? "entry" : "entries"}${r.leftovers.length ? `, ${r.leftovers.length} leftover${r.leftovers.length === 1 ? "" : "s"}` : ""})`
    : "nothing to remove";
  lines.push(`${summary}; kept ${kept.entries} ${kept.entries === 1 ? "entry" : "entries"}${why.length ? ` (${why.join(", ")})` : ""}`);
  lines.push(...renderServiceData(r.serviceData, r.dryRun));
  return lines.join("\n") + "\n";
}

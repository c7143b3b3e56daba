import type { Command } from "commander";
import { importTools, type ImportResult } from "../../app/project/import.js";
import { where } from "../../config/import/types.js";
import { renderValue } from "../../config/edit-render.js";
import { contextFor } from "../common.js";
import { checksumFlags, describeLockChanges, describeTrusted, type ChecksumFlags } from "./lock.js";
import { printText } from "../output.js";

/** What was mapped from where, what devenv.ts kept, and what could not be mapped and why. */
export function describeImport(r: ImportResult): string[] {
  const from = (t: ImportResult["plan"]["tools"][number]) => t.from.map((f) => `${where(f)} (${f.tool} ${f.version})`).join(", ");
  const out = [`read ${r.read.join(", ")}`];
  for (const t of r.plan.tools) out.push(`${t.name}: ${renderValue(t.spec)}  from ${from(t)}${t.notes.length ? `  [${t.notes.join("; ")}]` : ""}`);
  for (const t of r.plan.already) out.push(`${t.name}: already in devenv.ts as ${t.existing}, kept (${from(t)} asks for ${renderValue(t.spec)}; 'devenv add' changes it)`);
  if (r.plan.notMapped.length) {
    out.push("not mapped:");
    for (const n of r.plan.notMapped) out.push(`  ${where(n)}: ${n.what}: ${n.why}`);
  }
  return out;
}

export default async function importCommand(files: string[], opts: { install: boolean; dryRun?: boolean } & ChecksumFlags, cmd: Command): Promise<number> {
  const ctx = contextFor(cmd);
  const dryRun = Boolean(opts.dryRun);
  const r = await importTools(ctx, files, { install: opts.install, dryRun, ...checksumFlags(opts) });
  const report = describeImport(r);
  if (!r.plan.tools.length) {
    const failed = r.plan.already.length === 0;
    report.push(failed ? "nothing imported: no tool in these files could be mapped" : "nothing new to import");
    printText(report.join("\n") + "\n", failed ? process.stderr : process.stdout);
    return failed ? 1 : 0;
  }
  if (dryRun) {
    // The file on stdout, exactly as it would be written; the report beside it on stderr.
    printText(report.join("\n") + `\n(dry run: nothing written; ${r.created ? "devenv.ts would be created" : "devenv.ts would become"}:)\n`, process.stderr);
    process.stdout.write(r.source ?? "");
    return 0;
  }
  report.push(r.created ? `created ${r.root}/devenv.ts` : `updated ${r.root}/devenv.ts`);
  if (r.lock) report.push(...describeLockChanges(r.lock), ...describeTrusted(r.lock));
  if (!opts.install) report.push("not installed (--no-install): run 'devenv install'");
  printText(report.join("\n") + "\n");
  return 0;
}

/** The lines `devenv gc` prints about service data, after its usual output (see app/gc/service-data.ts). */
import type { ServiceDataEntry } from "../../app/gc/service-data.js";
import type { ServiceDataKeep } from "../../app/gc/service-data-plan.js";
import { fmtBytes } from "../progress.js";

const quote = (p: string) => `'${p.replaceAll("'", `'\\''`)}'`;

function why(k: ServiceDataKeep, { root, dir, status }: ServiceDataEntry): string {
  switch (k.why) {
    case "not-asked":
      return status === "interrupted" ? "a gc was stopped while deleting it" : "project gone";
    case "running":
      return `running: ${k.what} pid ${k.pid}; run 'devenv down' in ${root} first, or stop pid ${k.pid} if the project is gone for good`;
    case "cannot-tell-running":
      return `cannot tell whether its services still run: ${k.reason}`;
    case "unknown-project":
      return `${k.reason}; if you know its project is gone: rm -rf ${quote(dir)}`;
    case "unreachable":
      return k.reason;
    case "failed":
      return `could not delete it: ${k.reason}`;
  }
}

export function renderServiceData(entries: readonly ServiceDataEntry[], dryRun: boolean): string[] {
  const lines: string[] = [];
  let asked = false;
  for (const e of entries) {
    const size = `${e.partial ? "over " : ""}${fmtBytes(e.bytes)}`;
    const whose = e.status === "interrupted" ? "an interrupted removal" : e.root ?? "an unknown project";
    if (e.removed || e.remove) {
      lines.push(`${e.removed ? "removed" : "would remove"} service data of ${whose}  ${size}  ${e.dir}`);
      continue;
    }
    if (e.keep?.why === "not-asked") asked = true;
    lines.push(`kept service data of ${whose}${e.keep ? ` (${why(e.keep, e)})` : ""}  ${size}  ${e.dir}`);
  }
  if (asked) {
    lines.push(`service data is never removed unless asked: 'devenv gc --remove-service-data' deletes that of projects that no longer exist (their databases too; add --dry-run to see first)`);
  }
  return lines;
}

import type { Command } from "commander";
import { existsSync } from "node:fs";
import { watcherPid } from "../../state/watch-pid.js";
import { firstLine, localStamp, readWatchStatus, watchPaths, type WatchStatus } from "../../state/watch-status.js";
import { contextFor } from "../common.js";
import { printJson, printText } from "../output.js";
import { table } from "../table.js";

/** `devenv watch status`: is a watcher running, and how is each project. Exit 1 when none runs. */
export default async function watchStatus(opts: { json?: boolean }, cmd: Command): Promise<number> {
  const ctx = contextFor(cmd);
  const state = ctx.dirs.state;
  const paths = watchPaths(state);
  const pid = watcherPid(state);
  const status = readWatchStatus(state);
  if (opts.json) {
    printJson({ running: pid !== undefined, ...(pid !== undefined ? { pid } : {}), log: paths.log, ...(status ? { status } : {}) });
    return pid === undefined ? 1 : 0;
  }
  const out: string[] = [];
  const now = Date.now();
  if (pid === undefined) {
    out.push("devenv watch is not running");
    out.push("  hint: 'devenv watch --detach' starts it in the background; 'devenv watch --print-service systemd|launchd' prints a service that starts it at login.");
    if (status) {
      out.push("");
      out.push(`The status below is from a watcher that is no longer running (pid ${status.pid}, last updated ${ago(status.updatedAt || status.startedAt, now)}).`);
      out.push(...projectTable(status, now));
    }
    printText(out.join("\n") + "\n");
    return 1;
  }
  const current = status && status.pid === pid ? status : undefined;
  const since = current ? `, since ${localStamp(current.startedAt)}` : "";
  out.push(`devenv watch is running (pid ${pid}${since})`);
  if (existsSync(paths.log)) out.push(`log: ${paths.log}`);
  if (!current) out.push("It is starting: no status yet.");
  else out.push(...projectTable(current, now));
  printText(out.join("\n") + "\n");
  return 0;
}

function projectTable(status: WatchStatus, now: number): string[] {
  const entries = Object.entries(status.projects ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (!entries.length) return ["", "No registered projects: 'devenv install' in a project registers it."];
  const rows = entries.map(([path, p]) => {
    const note =
      p.state === "retrying" && p.nextRetry
        ? `retry ${inTime(p.nextRetry, now)}${p.message ? `: ${firstLine(p.message)}` : ""}`
        : p.message
          ? firstLine(p.message)
          : "";
    return [path, p.state, p.tools?.length ? p.tools.join(" ") : "-", p.lastRun ? ago(p.lastRun, now) : "-", note];
  });
  return ["", table(["project", "state", "tools", "last run", "message"], rows).trimEnd()];
}


function span(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

function ago(iso: string, now: number): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : `${span(now - t)} ago`;
}

function inTime(iso: string, now: number): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return `at ${iso}`;
  return t <= now ? "now" : `in ${span(t - now)}`;
}

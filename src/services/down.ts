/**
 * `devenv down` from another process: a live supervisor is asked to stop (SIGTERM; it stops its
 * processes in reverse order and removes its identity file), waited for within the time its stop
 * steps may take, then killed if it hangs; whatever is left is cleaned like a dead supervisor's.
 */
import { pidAlive } from "../platform/fs.js";
import { isSameProcess } from "./identity.js";
import type { ServicePaths } from "./paths.js";
import { cleanStale, supervisorAlive } from "./stale.js";
import { readPidRecords, readStatus, readSupervisorRecord } from "./status-file.js";
import { stopBudgetMs } from "./stop.js";

export interface DownResult {
  /** A supervisor was running, or processes were left by one. */
  wasUp: boolean;
  /** Processes that were running and are stopped now. */
  stopped: string[];
}

const MARGIN_MS = 5_000;

export async function stopProject(paths: ServicePaths, opts: { timeoutMs?: number } = {}): Promise<DownResult> {
  const live = supervisorAlive(paths);
  if (!live) {
    const r = await cleanStale(paths);
    return { wasUp: r.stopped.length > 0, stopped: r.stopped };
  }
  const running = (readStatus(paths)?.processes ?? []).filter((p) => p.pid !== undefined).map((p) => p.name);
  const budget = opts.timeoutMs ?? readPidRecords(paths).reduce((n, p) => n + stopBudgetMs(p.record?.stop ?? []), 0) + MARGIN_MS;
  try {
    process.kill(live.pid, "SIGTERM");
  } catch {
    /* gone meanwhile */
  }
  const deadline = Date.now() + budget;
  while (Date.now() < deadline && (isSameProcess(live) || readSupervisorRecord(paths)?.pid === live.pid)) {
    if (!pidAlive(live.pid)) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  if (isSameProcess(live)) {
    try {
      process.kill(live.pid, "SIGKILL");
    } catch {
      /* gone meanwhile */
    }
  }
  const left = await cleanStale(paths);
  return { wasUp: true, stopped: [...new Set([...running, ...left.stopped])] };
}

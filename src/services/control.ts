/**
 * Requests to a running supervisor from another process (`devenv restart`): one file per request in
 * the control dir, then SIGUSR2 to the supervisor, whose handler (installed by the CLI) takes them.
 */
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { DevenvError } from "../errors.js";
import { randomId, writeFileAtomic } from "../platform/fs.js";
import type { ServicePaths } from "./paths.js";
import { supervisorAlive } from "./stale.js";

export interface RestartRequest {
  kind: "restart";
  /** Empty: every process. */
  names: string[];
}

export async function requestRestart(paths: ServicePaths, names: string[]): Promise<{ supervisor: number }> {
  const live = supervisorAlive(paths);
  if (!live) {
    throw new DevenvError("USAGE", "this project's services are not up", { exitCode: 1, hint: "'devenv up' starts them." });
  }
  const req: RestartRequest = { kind: "restart", names };
  await writeFileAtomic(join(paths.control, `${Date.now()}-${randomId(4)}.json`), JSON.stringify(req), { fsync: false });
  process.kill(live.pid, "SIGUSR2");
  return { supervisor: live.pid };
}

/** The supervisor's side: every pending request, oldest first, removed as it is taken. */
export function takeRequests(paths: ServicePaths): RestartRequest[] {
  let files: string[];
  try {
    files = readdirSync(paths.control).filter((f) => f.endsWith(".json") && !f.startsWith(".")).sort();
  } catch {
    return [];
  }
  const out: RestartRequest[] = [];
  for (const f of files) {
    const file = join(paths.control, f);
    try {
      const r = JSON.parse(readFileSync(file, "utf8")) as RestartRequest;
      if (r.kind === "restart" && Array.isArray(r.names)) out.push({ kind: "restart", names: r.names.filter((n) => typeof n === "string") });
    } catch {
      /* unreadable: dropped */
    }
    rmSync(file, { force: true });
  }
  return out;
}

import type { Command } from "commander";
import { refreshProject } from "../../app/watch/index.js";
import { contextFor } from "../common.js";

/**
 * Internal: run by `devenv watch` for the projects (real paths) whose devenv.ts, devenv.lock or
 * trust changed. Refreshes each one's cached activations and prints one JSON line per project
 * (a RefreshOutcome) as soon as it is done.
 */
export default async function watchRefresh(roots: string[], _opts: Record<string, never>, cmd: Command): Promise<void> {
  const ctx = contextFor(cmd);
  for (const root of roots) {
    if (!root.startsWith("/")) continue;
    const outcome = await refreshProject(ctx, root);
    process.stdout.write(JSON.stringify(outcome) + "\n");
  }
}

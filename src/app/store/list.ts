import type { AppContext } from "../context.js";
import { entryLabel, entrySize, listEntries } from "../../store/entries.js";
import { readUsed } from "../../store/usage.js";
import { collectReferences } from "../gc/references.js";

export interface StoreListing {
  entry: string;
  dir: string;
  tool: string;
  version: string;
  platform: string | undefined;
  size: number;
  installedAt: string | undefined;
  lastUsed: string | undefined;
  /** Projects (real paths) whose devenv.lock references it. */
  projects: string[];
  /** Projects whose cached activation points into it. */
  activeIn: string[];
}

/** Every store entry with its size, users and last use. Changes nothing (roots of deleted projects are reported, not dropped). */
export function listStore(ctx: AppContext): StoreListing[] {
  const refs = collectReferences(ctx, { dryRun: true });
  const used = readUsed(ctx.dirs.store);
  return listEntries(ctx.dirs.store).map((e) => {
    const stamp = used.get(e.hash);
    return {
      entry: e.name,
      dir: e.dir,
      tool: e.receipt?.name ?? entryLabel(e.name),
      version: e.receipt?.version ?? "",
      platform: e.receipt?.platform,
      size: entrySize(e),
      installedAt: e.receipt?.installedAt,
      lastUsed: stamp !== undefined ? new Date(stamp).toISOString() : e.receipt?.installedAt,
      projects: [...(refs.byLock.get(e.name) ?? [])].sort(),
      activeIn: [...(refs.byActivation.get(e.name) ?? [])].sort(),
    };
  });
}

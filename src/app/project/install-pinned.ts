/**
 * Install a project's locked tools the one way every command should: under a gc pin, then register
 * the project as a gc root (D17, D18). `add` and `update` installed without either, so a `devenv gc`
 * right after `devenv add zig@0.13` removed zig (issue 15). `beforeRecord` runs after the install and
 * before the root is recorded (add writes devenv.ts and devenv.lock there: a root is recorded only for
 * a project whose lock is on disk, or gc would take it for gone).
 */
import { serializeLock } from "../../lock/format.js";
import type { LockFile } from "../../lock/types.js";
import type { InstalledTool } from "../../store/install.js";
import type { AppContext } from "../context.js";
import { installTools, type ProjectTool } from "./install.js";
import { pinSpecs, recordUse } from "../gc/references.js";
import { realRoot } from "./trust.js";

export async function installPinned(
  ctx: AppContext,
  root: string,
  lock: LockFile,
  tools: ProjectTool[],
  beforeRecord?: () => Promise<void>,
): Promise<InstalledTool[]> {
  // Pinned until the project is a registered root: a gc running meanwhile keeps these entries.
  const pin = await pinSpecs(ctx, tools.map((t) => t.spec));
  try {
    const installed = await installTools(ctx, tools);
    await beforeRecord?.();
    await recordUse(ctx, realRoot(root), serializeLock(lock), installed);
    return installed;
  } finally {
    await pin.release();
  }
}

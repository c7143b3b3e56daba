import type { Command } from "commander";
import { pushTarget } from "../../app/cache/target.js";
import { loadProject, requireRoot } from "../../app/project/index.js";
import { pushLock, type PushResult } from "../../app/project/cache-push.js";
import type { PlatformKey } from "../../recipes/types.js";
import { contextFor } from "../common.js";
import { printJson, printText } from "../output.js";

export function describePush(r: PushResult, where: string): string[] {
  const mb = (r.bytes / 1048576).toFixed(1);
  return [
    `${where}: ${r.pushed} blob${r.pushed === 1 ? "" : "s"} written (${mb} MiB), ${r.present} already there`,
    `${r.manifests.length} artifact manifest${r.manifests.length === 1 ? "" : "s"} tagged (${r.manifests.slice(0, 3).join(", ")}${r.manifests.length > 3 ? ", …" : ""}); index ${r.index}`,
    ...(r.recorded ? [`recorded the sha256 of ${r.recorded} file${r.recorded === 1 ? "" : "s"} pinned by integrity in devenv.lock (commit it, so teammates find them in the cache)`] : []),
  ];
}

export default async function cachePush(opts: { platform?: PlatformKey[]; json?: boolean }, cmd: Command): Promise<void> {
  const ctx = contextFor(cmd);
  const root = requireRoot(ctx);
  const target = await pushTarget(ctx, await loadProject(ctx, root));
  const r = await pushLock(ctx, root, { target, platforms: opts.platform });
  if (opts.json) printJson({ cache: target.where, ...r });
  else printText(describePush(r, target.where).join("\n") + "\n");
}

import type { Command } from "commander";
import { resolve } from "node:path";
import { installSource } from "../../app/cache/source.js";
import { loadProject, requireRoot } from "../../app/project/index.js";
import { pushLock } from "../../app/project/cache-push.js";
import type { PlatformKey } from "../../recipes/types.js";
import { contextFor } from "../common.js";
import { printText } from "../output.js";
import { describePush } from "./cache-push.js";

/** `devenv bundle <dir|file.tar>`: the lock's artifacts as an OCI image layout, for a machine with no network. */
export default async function bundle(dest: string, opts: { platform?: PlatformKey[] }, cmd: Command): Promise<void> {
  const ctx = contextFor(cmd);
  const root = requireRoot(ctx);
  const project = await loadProject(ctx, root);
  const { openLayout } = await import("../../cache/layout.js");
  const path = resolve(ctx.cwd, dest);
  const target = await openLayout(path, "write");
  // Copied from the team's cache when there is one (and it has them), else from the upstreams.
  const source = await installSource(ctx, project);
  const r = await pushLock(ctx, root, { target, source, platforms: opts.platform });
  printText([...describePush(r, target.where), `install it elsewhere with: devenv install --from-bundle ${dest}`].join("\n") + "\n");
}

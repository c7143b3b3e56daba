import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { CONFIG_FILE, hasConfig } from "../../config/find.js";
import { DevenvError } from "../../errors.js";
import type { AppContext } from "../context.js";

/**
 * The user-wide project (`devenv add -g`, `remove -g`, `list -g`): a devenv.ts and devenv.lock in
 * devenv's config dir, trusted, locked and installed like any project, that the hook applies as the
 * outermost layer everywhere. `create`: make its directory (add -g writes devenv.ts in it).
 */
export async function globalRoot(ctx: AppContext, opts: { create?: boolean } = {}): Promise<string> {
  const dir = resolve(ctx.cwd, ctx.dirs.global);
  if (opts.create) await mkdir(dir, { recursive: true });
  return dir;
}

/** The user-wide project's dir when it has a devenv.ts; undefined when there are no user-wide tools. */
export async function existingGlobalRoot(ctx: AppContext): Promise<string | undefined> {
  const dir = await globalRoot(ctx);
  return hasConfig(dir) ? dir : undefined;
}

/** The user-wide project, which must exist (remove -g). */
export async function requireGlobalRoot(ctx: AppContext): Promise<string> {
  const dir = await existingGlobalRoot(ctx);
  if (dir) return dir;
  throw new DevenvError("CONFIG_NOT_FOUND", `no user-wide tools: ${join(await globalRoot(ctx), CONFIG_FILE)} does not exist`, {
    hint: "Add one with 'devenv add -g <tool>'.",
  });
}

/**
 * The cache an install asks first: the chosen one (settings.ts) when its `pull` is on. Opened only
 * when something is to be installed, and loaded lazily: the hook's and exec's paths stay as they were.
 */
import type { ProjectConfig } from "../../config/normalise.js";
import type { AppContext } from "../context.js";
import type { PullStats } from "./pull.js";
import { chooseCache } from "./settings.js";
import type { BlobSource } from "../../store/blob-source.js";

export type PullSource = BlobSource & { stats: PullStats; where: string };

export async function installSource(ctx: AppContext, project: Pick<ProjectConfig, "cache" | "file"> | undefined): Promise<PullSource | undefined> {
  const chosen = chooseCache(ctx, project);
  if (!chosen || !chosen.setting.pull) return undefined;
  return openPullSource(ctx, chosen.setting.url, `the cache set in ${chosen.from}`);
}

/** A cache URL opened for reading as an installer's source (also `install --from-bundle`'s layout); `what` says where it was named. */
export async function openPullSource(ctx: AppContext, url: string, what: string): Promise<PullSource> {
  const [{ openCache }, { pullSource }] = await Promise.all([import("./open.js"), import("./pull.js")]);
  let opened;
  try {
    opened = await openCache(ctx, url, "read");
  } catch (e) {
    const err = e as Error & { hint?: string };
    err.message = `${err.message} (${what})`;
    throw err;
  }
  return Object.assign(pullSource(opened.store, ctx.reporter, { local: opened.local }), { where: opened.store.where });
}

/**
 * Which cache a command uses: the user's (DEVENV_CACHE, else the config file's `cache`) wins over
 * devenv.ts's, as the issue asks: a developer can always point at a nearer mirror, or turn it off.
 * Pure.
 */
import type { CacheSetting, ProjectConfig } from "../../config/normalise.js";
import type { AppContext } from "../context.js";

export interface ChosenCache {
  setting: CacheSetting;
  /** Where it was set, for messages: "DEVENV_CACHE", the config file's path, or devenv.ts's. */
  from: string;
}

export function chooseCache(ctx: Pick<AppContext, "userCache">, project: Pick<ProjectConfig, "cache" | "file"> | undefined): ChosenCache | undefined {
  if (ctx.userCache === "off") return undefined;
  if (ctx.userCache) return ctx.userCache;
  if (project?.cache) return { setting: project.cache, from: project.file };
  return undefined;
}

/** What devenv knows of a tool apart from any project: `devenv versions` (search: app/catalog/search.ts). */
import { lacking } from "../../resolver/platform-pick.js";
import { sortVersions } from "../../resolver/range.js";
import type { PlatformKey, VersionInfo } from "../../recipes/types.js";
import type { AppContext } from "../context.js";
import { findProjectRoot } from "../../config/find.js";
import { argRequest, parseToolArg, withFrom } from "./edit.js";
import { loadProject, recipeFor } from "./load.js";
import { listVersions } from "./versions.js";

/** A published version and the platforms of the recipe it has no build for (when the version list says). */
export interface VersionRow extends VersionInfo {
  missing?: PlatformKey[];
}

/** `name`, `aqua:owner/repo`, `owner/repo` or `github:owner/repo`, as `devenv add` takes them. */
export async function toolVersions(ctx: AppContext, arg: string, opts: { from?: string } = {}): Promise<VersionRow[]> {
  const a = parseToolArg(arg);
  const req = argRequest(a);
  const recipe = await recipeFor(ctx, req);
  // The source asked for (--from), else the one the project here gives the tool (its `from`).
  const from = opts.from ?? (a.options ? undefined : await projectFrom(ctx, a.name));
  const options = withFrom(a, from, recipe.options) ?? req.options;
  return sortVersions(await listVersions(ctx, recipe, options, false)).map((v) => {
    const missing = lacking(v, recipe.platforms);
    return missing?.length ? { ...v, missing } : v;
  });
}


/** The `from` the project of the current directory gives `name`, if devenv.ts is allowed and says one. */
async function projectFrom(ctx: AppContext, name: string): Promise<string | undefined> {
  if (!findProjectRoot(ctx.cwd)) return undefined;
  try {
    const project = await loadProject(ctx);
    const from = project.tools.find((t) => t.name === name && !t.catalog)?.options.from;
    return typeof from === "string" ? from : undefined;
  } catch {
    return undefined; // a project that is not allowed (or broken) says nothing about sources here
  }
}

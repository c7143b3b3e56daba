/** What devenv knows of a tool apart from any project: `devenv versions` (search: app/catalog/search.ts). */
import { lacking } from "../../resolver/platform-pick.js";
import { sortVersions } from "../../resolver/range.js";
import type { PlatformKey, VersionInfo } from "../../recipes/types.js";
import type { AppContext } from "../context.js";
import { argRequest, parseToolArg } from "./edit.js";
import { recipeFor } from "./load.js";
import { listVersions } from "./versions.js";

/** A published version and the platforms of the recipe it has no build for (when the version list says). */
export interface VersionRow extends VersionInfo {
  missing?: PlatformKey[];
}

/** `name`, `aqua:owner/repo`, `owner/repo` or `github:owner/repo`, as `devenv add` takes them. */
export async function toolVersions(ctx: AppContext, arg: string): Promise<VersionRow[]> {
  const req = argRequest(parseToolArg(arg));
  const recipe = await recipeFor(ctx, req);
  return sortVersions(await listVersions(ctx, recipe, req.options, false)).map((v) => {
    const missing = lacking(v, recipe.platforms);
    return missing?.length ? { ...v, missing } : v;
  });
}


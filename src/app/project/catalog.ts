/** What devenv knows of tools apart from any project: `devenv versions` and `devenv search`. */
import { allRecipes, loadRecipe } from "../../../recipes/index.js";
import { lacking } from "../../resolver/platform-pick.js";
import { sortVersions } from "../../resolver/range.js";
import type { PlatformKey, VersionInfo } from "../../recipes/types.js";
import type { AppContext } from "../context.js";
import { listVersions } from "./versions.js";


/** A published version and the platforms of the recipe it has no build for (when the version list says). */
export interface VersionRow extends VersionInfo {
  missing?: PlatformKey[];
}

export async function toolVersions(ctx: AppContext, name: string): Promise<VersionRow[]> {
  const recipe = await loadRecipe(name);
  return sortVersions(await listVersions(ctx, recipe, {}, false)).map((v) => {
    const missing = lacking(v, recipe.platforms);
    return missing?.length ? { ...v, missing } : v;
  });
}

export async function searchRegistry(text: string): Promise<Array<{ name: string; description: string; homepage: string }>> {
  const q = text.toLowerCase();
  return (await allRecipes())
    .filter((r) => !q || r.name.includes(q) || r.description.toLowerCase().includes(q))
    .map((r) => ({ name: r.name, description: r.description, homepage: r.homepage }));
}

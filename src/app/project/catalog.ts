/** What devenv knows of tools apart from any project: `devenv versions` and `devenv search`. */
import { allRecipes, hasRecipe } from "../../../recipes/index.js";
import { lacking } from "../../resolver/platform-pick.js";
import { sortVersions } from "../../resolver/range.js";
import type { PlatformKey, VersionInfo } from "../../recipes/types.js";
import { openAquaCatalog } from "../catalog/load.js";
import { lookupName, searchRows } from "../catalog/names.js";
import { currentPin } from "../catalog/pins.js";
import type { AppContext } from "../context.js";
import { parseToolArg } from "./edit.js";
import { recipeFor } from "./load.js";
import { listVersions } from "./versions.js";

/** A published version and the platforms of the recipe it has no build for (when the version list says). */
export interface VersionRow extends VersionInfo {
  missing?: PlatformKey[];
}

/** `name`, `aqua:owner/repo`, `owner/repo` or `github:owner/repo`, as `devenv add` takes them. */
export async function toolVersions(ctx: AppContext, arg: string): Promise<VersionRow[]> {
  const a = parseToolArg(arg);
  const catalog = Boolean(a.options) || !hasRecipe(a.name);
  const req = { name: a.name, range: "latest", options: a.options ?? {}, inline: false, ...(catalog ? { catalog: true as const } : {}) };
  const recipe = await recipeFor(ctx, req);
  return sortVersions(await listVersions(ctx, recipe, req.options, false)).map((v) => {
    const missing = lacking(v, recipe.platforms);
    return missing?.length ? { ...v, missing } : v;
  });
}

export interface SearchRow {
  /** What to give `devenv add`: a built-in name, a catalogue name that is unique, else the package. */
  name: string;
  description: string;
  homepage: string;
  /** "built-in" or "aqua:<package>". */
  source: string;
}

/**
 * Built-in recipes and the catalogue (the aqua registry at this devenv's commit) whose names,
 * aliases or descriptions contain every word of `text`. Without the catalogue in the cache and no
 * network, the built-in ones only (`catalogue` says why).
 */
export async function searchTools(ctx: AppContext, text: string): Promise<{ rows: SearchRow[]; catalogue?: string }> {
  const q = text.toLowerCase();
  const builtIn: SearchRow[] = (await allRecipes())
    .filter((r) => !q || r.name.includes(q) || r.description.toLowerCase().includes(q))
    .map((r) => ({ name: r.name, description: r.description, homepage: r.homepage, source: "built-in" }));
  let catalog;
  try {
    catalog = await openAquaCatalog(ctx, currentPin());
  } catch (e) {
    if (!(e instanceof Error) || !("code" in e) || (e.code !== "OFFLINE" && e.code !== "HTTP")) throw e;
    return { rows: builtIn, catalogue: e.message };
  }
  const rows = catalog.rows;
  const found = searchRows(rows, text).map((r) => {
    const short = r.name.slice(r.name.lastIndexOf("/") + 1).toLowerCase();
    const unique = !hasRecipe(short) && lookupName(rows, short).length === 1;
    const repo = r.name.split("/").slice(0, 2).join("/");
    return { name: unique ? short : r.name, description: r.description, homepage: `https://github.com/${repo}`, source: `aqua:${r.name}` };
  });
  return { rows: [...builtIn, ...found] };
}

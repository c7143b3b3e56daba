/**
 * `devenv search`: built-in recipes and the catalogue. It reads only the compiled index (and the
 * recipes' names and descriptions), so it answers in milliseconds once the catalogue is cached.
 */
import { hasRecipe } from "../../../recipes/index.js";
import { RECIPE_SUMMARIES } from "../../../recipes/summaries.js";
import type { AppContext } from "../context.js";
import { openAquaCatalog } from "./load.js";
import { addName, nameIndex, searchRows } from "./names.js";
import { currentPin } from "./pins.js";

export interface SearchRow {
  /** What to give `devenv add`: a built-in name, a catalogue name that is unique, else the package. */
  name: string;
  description: string;
  homepage: string;
  /** "built-in" or "aqua:<package>". */
  source: string;
  /** A built-in tool's other sources (`devenv add --from`), when it has any. */
  from?: readonly string[];
}

/**
 * Built-in recipes and the catalogue (the aqua registry at this devenv's commit) whose names,
 * aliases or descriptions contain every word of `text`. Without the catalogue in the cache and no
 * network, the built-in ones only (`catalogue` says why). With `from`, the built-in tools that
 * source publishes (checked by the caller: see otherSourceNames in recipes/summaries.ts).
 */
export async function searchTools(ctx: AppContext, text: string, opts: { from?: string } = {}): Promise<{ rows: SearchRow[]; catalogue?: string }> {
  const builtIn: SearchRow[] = searchRows(Object.entries(RECIPE_SUMMARIES).map(([name, r]) => ({ name, aliases: [], commands: [], type: "built-in", description: r.description })), text)
    .map((r) => {
      const { homepage, from } = RECIPE_SUMMARIES[r.name]!;
      return { name: r.name, description: r.description, homepage, source: "built-in", ...(from ? { from } : {}) };
    });
  // Another source: only the built-in tools it publishes (the catalogue's come from GitHub and the like).
  if (opts.from !== undefined) return { rows: builtIn.filter((r) => r.from?.includes(opts.from!)) };
  let catalog;
  try {
    catalog = await openAquaCatalog(ctx, currentPin());
  } catch (e) {
    if (!(e instanceof Error) || !("code" in e) || (e.code !== "OFFLINE" && e.code !== "HTTP")) throw e;
    return { rows: builtIn, catalogue: e.message };
  }
  const first = text.toLowerCase().split(/\s+/).find(Boolean) ?? "";
  const matched = searchRows(catalog.rowsContaining(first), text);
  // What `devenv add` takes: the short name when it means this one package (and no built-in recipe).
  const lookup = matched.length ? nameIndex(catalog.allRows()) : () => [];
  const found = matched.map((r) => {
    const repo = r.name.split("/").slice(0, 2).join("/");
    return { name: addName(r, lookup, hasRecipe), description: r.description, homepage: `https://github.com/${repo}`, source: `aqua:${r.name}` };
  });
  return { rows: [...builtIn, ...found] };
}

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
  const from = (await projectSources(ctx)).get(name);
  return from === "upstream" ? undefined : from;
}

/**
 * The source the project of the current directory takes each of its built-in tools from: its
 * `from` option, else "upstream". Empty outside a project, or when devenv.ts is not allowed or broken
 * (such a project says nothing about sources here).
 */
export async function projectSources(ctx: AppContext): Promise<Map<string, string>> {
  if (!findProjectRoot(ctx.cwd)) return new Map();
  try {
    const project = await loadProject(ctx);
    return new Map(project.tools.filter((t) => !t.catalog).map((t) => [t.name, typeof t.options.from === "string" ? t.options.from : "upstream"]));
  } catch {
    return new Map();
  }
}

import { join } from "node:path";
import { CONFIG_FILE, LOCK_FILE, findProjectRoot } from "../../config/find.js";
import type { ConfigBundle } from "../../config/inputs.js";
import { runConfig } from "../../config/load.js";
import { normaliseConfig, type ProjectConfig, type ToolRequest } from "../../config/normalise.js";
import { DevenvError } from "../../errors.js";
import { LOCK_HINT, LOCK_MAX_BYTES, emptyLock, parseLock, serializeLock } from "../../lock/format.js";
import type { LockEntry, LockFile } from "../../lock/types.js";
import { FileShapeError, readRegularFile, writeFileAtomic } from "../../platform/fs.js";
import { loadRecipe } from "../../../recipes/index.js";
import { inlineRecipe } from "../../recipes/inline.js";
import type { Recipe } from "../../recipes/types.js";
import type { AppContext } from "../context.js";
import { requireTrustedConfig } from "./trust.js";
import { catalogRecipe } from "../catalog/recipe-for.js";

export function requireRoot(ctx: AppContext): string {
  const root = findProjectRoot(ctx.cwd);
  if (!root) {
    throw new DevenvError("CONFIG_NOT_FOUND", `no ${CONFIG_FILE} in ${ctx.cwd} or any parent directory`, {
      hint: "Run 'devenv init' or 'devenv add <tool>' in the project root.",
    });
  }
  return root;
}

/**
 * Read root/devenv.ts and the local files it imports, check them with the trust store, and run the
 * compile of exactly those bytes: what was checked is what runs.
 */
export async function loadProject(ctx: AppContext, root = requireRoot(ctx)): Promise<ProjectConfig> {
  return evaluateBundle(await requireTrustedConfig(ctx, root));
}

/** Run a config the caller has already checked with the trust store, and validate what it exports. */
export async function evaluateBundle(bundle: ConfigBundle): Promise<ProjectConfig> {
  const value = await runConfig(bundle);
  return normaliseConfig(value, bundle.root, bundle.file, bundle.inputs.map((i) => i.path));
}

export async function readLock(root: string): Promise<{ lock: LockFile; text: string | undefined }> {
  const file = join(root, LOCK_FILE);
  let bytes: Buffer | undefined;
  try {
    bytes = readRegularFile(file, LOCK_MAX_BYTES);
  } catch (e) {
    if (!(e instanceof FileShapeError)) throw e;
    throw new DevenvError("LOCK_INVALID", `${file}: ${e.reason}`, { hint: LOCK_HINT });
  }
  const text = bytes?.toString("utf8");
  return { lock: text === undefined ? emptyLock() : parseLock(text, file), text };
}

/** Write devenv.lock only if its bytes change; returns whether it did. */
export async function writeLock(root: string, lock: LockFile, previous: string | undefined): Promise<boolean> {
  const text = serializeLock(lock);
  if (text === previous) return false;
  await writeFileAtomic(join(root, LOCK_FILE), text);
  return true;
}

/**
 * The recipe a request is locked and installed with. A catalogue tool's depends on the catalogue (read
 * through `ctx`) and, when devenv.lock has the tool, on the registry commit it was locked from.
 */
export async function recipeFor(ctx: AppContext, req: ToolRequest, entry?: LockEntry): Promise<Recipe> {
  if (req.inline) return inlineRecipe(req.name, req.range, req.options);
  const recipe = req.catalog ? await catalogRecipe(ctx, req, entry) : await loadRecipe(req.name);
  const allowed = new Set(recipe.options ?? []);
  const unknown = Object.keys(req.options).filter((k) => !allowed.has(k));
  if (unknown.length) {
    throw new DevenvError("CONFIG_SCHEMA", `devenv.ts: tools.${req.name}: unknown option${unknown.length > 1 ? "s" : ""} ${unknown.map((u) => `'${u}'`).join(", ")}`, {
      hint: allowed.size ? `${req.name} accepts: version, ${[...allowed].join(", ")}.` : `${req.name} accepts only 'version'.`,
    });
  }
  return recipe;
}

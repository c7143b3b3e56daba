/**
 * devenv.lock arrives with a pull and `devenv allow` does not cover it. Its shape is checked when
 * it is read (lock/types.ts); here, before an entry is used, it is checked against devenv.ts and
 * the tool's recipe: an entry devenv would not have written is refused, naming the field. Pure.
 *
 * What is re-resolved rather than refused is staleness (plan.ts): devenv.ts asking for another
 * range, source or options, or a recipe revision older than this devenv's.
 */
import type { ToolRequest } from "../config/normalise.js";
import { DevenvError, redactUrl } from "../errors.js";
import { LOCK_HINT, sortKeys } from "../lock/format.js";
import type { LockEntry, LockedArtifact } from "../lock/types.js";
import { formatOf } from "../recipes/inline.js";
import type { PlatformKey, Recipe } from "../recipes/types.js";

const invalid = (name: string, field: string, problem: string, hint = LOCK_HINT) =>
  new DevenvError("LOCK_INVALID", `devenv.lock: tools.${name}.${field}: ${problem}`, { hint });

/**
 * Refuse a lock entry that devenv.ts and the recipe would not produce: an inline tool's version
 * other than devenv.ts's, a recipe revision newer than this devenv's, and (unless `artifacts` is
 * false: entries about to be locked afresh at their version) every platform's artifact — a platform
 * the tool is not published for, a URL the recipe would not give, a format that is not the URL's,
 * and what the recipe checks itself (an inline tool's sha256, strip and no parts; rust's parts).
 */
export function checkLockEntry(req: ToolRequest, recipe: Recipe, entry: LockEntry, opts: { artifacts?: boolean } = {}): void {
  const name = req.name;
  if (req.inline && entry.version !== req.range) {
    throw invalid(name, "version", `${JSON.stringify(entry.version)} is not the version devenv.ts gives (${JSON.stringify(req.range)})`);
  }
  if (entry.recipeRevision > recipe.revision) {
    throw invalid(name, "recipeRevision", `${entry.recipeRevision} is newer than this devenv's ${name} recipe (revision ${recipe.revision})`,
      `A newer devenv wrote this lock: upgrade devenv, or run 'devenv update ${name}' to lock ${name} afresh with this one.`);
  }
  if (opts.artifacts === false) return;
  checkProvenance(name, recipe, entry);
  for (const [key, a] of Object.entries(entry.platforms)) {
    if (!a) continue;
    const platform = key as PlatformKey;
    const at = `platforms.${platform}`;
    if (!recipe.platforms.includes(platform)) {
      throw invalid(name, at, req.inline ? `devenv.ts gives no sha256 for ${platform}` : `${name} is not published for ${platform}`);
    }
    const files: Array<{ at: string; file: Pick<LockedArtifact, "url" | "format"> }> = [
      { at, file: a },
      ...(a.parts ?? []).map((p, i) => ({ at: `${at}.parts.${i}`, file: p })),
    ];
    for (const f of files) {
      if (!recipe.acceptsUrl(entry.version, platform, f.file.url, req.options)) {
        throw new DevenvError("LOCK_URL_MISMATCH", `devenv.lock: tools.${name}.${f.at}.url: ${redactUrl(f.file.url)} is not where ${name} ${entry.version} is published`, {
          hint: `Refusing to download it. Restore devenv.lock from version control or run 'devenv update ${name}'.`,
        });
      }
      const format = recipe.formatFor?.(entry.version, platform, f.file.url, req.options) ?? formatOf(f.file.url);
      if (f.file.format !== format) {
        throw invalid(name, `${f.at}.format`, `${JSON.stringify(f.file.format)} is not the format of ${redactUrl(f.file.url)} (${format})`);
      }
    }
    const wrong = recipe.checkLocked?.(entry.version, platform, a, req.options);
    if (wrong) throw invalid(name, `${at}.${wrong.field}`, wrong.problem);
  }
}

/**
 * A catalogue tool's record of the registry entry (and signature metadata) it came from must be what
 * that entry gives; a built-in or inline tool records none.
 */
function checkProvenance(name: string, recipe: Recipe, entry: LockEntry): void {
  const want = recipe.provenance?.(entry.version) ?? {};
  for (const field of ["catalog", "signatures"] as const) {
    const has = JSON.stringify(sortKeys(entry[field] ?? null));
    const should = want[field] && Object.keys(want[field]).length ? JSON.stringify(sortKeys(want[field])) : "null";
    if (has !== should) {
      if (field === "catalog" && entry.catalog?.registry === "project") {
        throw new DevenvError("LOCK_FROZEN", `devenv.lock: tools.${name}.catalog: the project's aquaRegistries changed since devenv.lock was made`, {
          hint: "Run 'devenv lock' (or 'devenv install') and commit the updated devenv.lock.",
        });
      }
      throw invalid(name, field, should === "null" ? `${recipe.source ?? "this tool"} records no ${field}` : `not what ${recipe.source ?? name} ${entry.version} gives (${should.slice(0, 300)})`);
    }
  }
}

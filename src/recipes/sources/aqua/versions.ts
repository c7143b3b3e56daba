/**
 * Versions of an aqua entry: the release tag (aqua's Version, version_prefix included) versus
 * devenv's version (the tag without version_prefix), the version_filter, and which
 * `version_overrides` element a version takes (aqua's rule: the top level when its
 * version_constraint holds, else the first element whose constraint holds, else the top level).
 * Pure.
 */
import { ConstraintError, evalConstraint } from "./constraint.js";
import { checkKeys, type Info, list, str, VERSION_OVERRIDE_KEYS } from "./fields.js";
import { mergeVersionOverride } from "./overrides.js";
import { type AquaPackage, aquaPackageName, AquaUnsupportedError } from "./types.js";

/** An expression error is devenv not reading the expression: refuse, naming it (never guess true or false). */
export function constraint(name: string, expr: string, version: string, semver: string): boolean {
  try {
    return evalConstraint(expr, { Version: version, SemVer: semver });
  } catch (e) {
    if (e instanceof ConstraintError) throw new AquaUnsupportedError(name, `the expression ${JSON.stringify(expr)}`, e.message);
    throw e;
  }
}

/** The release tag for a devenv version: version_prefix put back. */
export const aquaTagOf = (pkg: AquaPackage, version: string): string => (str(aquaPackageName(pkg), pkg, "version_prefix") ?? "") + version;

/**
 * devenv's version for a release tag: the tag without version_prefix ("jq-1.7.1" → "1.7.1"; "v2.40.0"
 * stays "v2.40.0"); undefined when the tag does not carry the prefix or version_filter rejects it.
 */
export function aquaVersionOf(pkg: AquaPackage, tag: string): string | undefined {
  const name = aquaPackageName(pkg);
  const prefix = str(name, pkg, "version_prefix") ?? "";
  if (!tag.startsWith(prefix)) return undefined;
  const filter = str(name, pkg, "version_filter");
  // aqua evaluates version_filter on the whole tag, semver() included.
  if (filter && !constraint(name, filter, tag, tag)) return undefined;
  return tag.slice(prefix.length);
}

/** The entry as it stands for one release tag: the top level or the version_overrides element chosen, merged. */
export function selectVersion(pkg: AquaPackage, version: string): Info {
  const name = aquaPackageName(pkg);
  const top = str(name, pkg, "version_constraint");
  if (!top) return { ...pkg };
  const topPrefix = str(name, pkg, "version_prefix") ?? "";
  if (version.startsWith(topPrefix) && constraint(name, top, version, version.slice(topPrefix.length))) return { ...pkg };
  for (const el of list(name, pkg, "version_overrides") ?? []) {
    if (!el || typeof el !== "object" || Array.isArray(el)) throw new AquaUnsupportedError(name, "a version_overrides element that is not a mapping");
    const vo = el as Info;
    checkKeys(name, vo, VERSION_OVERRIDE_KEYS, "in a version_overrides element");
    const prefix = vo.version_prefix !== undefined && vo.version_prefix !== null ? (str(name, vo, "version_prefix") ?? "") : topPrefix;
    if (!version.startsWith(prefix)) continue;
    const expr = str(name, vo, "version_constraint");
    // aqua treats an element without a constraint as one whose constraint cannot be evaluated: skipped.
    if (!expr) continue;
    if (constraint(name, expr, version, version.slice(prefix.length))) return mergeVersionOverride(pkg, vo);
  }
  return { ...pkg };
}

import semver from "semver";
import type { VersionInfo } from "../recipes/types.js";

/**
 * Version ranges as npm reads them, with partial versions meaning "that prefix"
 * ("17" → >=17.0.0 <18.0.0, "3.12" → 3.12.x), plus "latest" (newest stable) and "lts".
 */
export function isValidRange(range: string): boolean {
  if (!range.trim()) return false;
  if (range === "latest" || range === "lts") return true;
  return semver.validRange(range, { loose: true }) !== null;
}

const asSemver = (v: string): string | null => semver.valid(v, { loose: true }) ?? semver.valid(semver.coerce(v, { loose: true }));

/** Does `version` satisfy `range`? Exact strings always match themselves. */
export function rangeAllows(range: string, version: string, info?: VersionInfo): boolean {
  if (range === version) return true;
  if (info?.prerelease) return false;
  const sv = asSemver(version);
  if (range === "latest") return sv !== null && semver.prerelease(sv) === null;
  if (range === "lts") return Boolean(info?.lts) && sv !== null;
  if (!sv || semver.valid(version, { loose: true }) === null) return false;
  return semver.satisfies(version, range, { loose: true });
}

/** The newest version satisfying `range`, or undefined. */
export function pickVersion(range: string, versions: readonly VersionInfo[]): VersionInfo | undefined {
  const exact = versions.find((v) => v.version === range);
  if (exact) return exact;
  let best: VersionInfo | undefined;
  for (const v of versions) {
    if (!rangeAllows(range, v.version, v)) continue;
    if (!best || semver.gt(v.version, best.version, { loose: true })) best = v;
  }
  return best;
}

/** Newest first; versions that are not semver sort last, as given. */
export function sortVersions(versions: readonly VersionInfo[]): VersionInfo[] {
  const valid = versions.filter((v) => semver.valid(v.version, { loose: true }));
  const other = versions.filter((v) => !semver.valid(v.version, { loose: true }));
  return [...valid.sort((a, b) => semver.rcompare(a.version, b.version, { loose: true })), ...other];
}


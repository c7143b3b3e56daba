import type { PlatformKey, VersionInfo } from "../recipes/types.js";
import { rangeAllows, sortVersions } from "./range.js";

/**
 * The rule for a range over several platforms (docs/decisions.md D35): the newest version
 * the range allows that has a build for every platform the project locks. Newer ones are skipped
 * and said so; when none has them all, the error lists what each candidate lacks.
 * Pure: availability comes from the version list (`VersionInfo.platforms`) or from `probed`, what
 * the caller learnt by asking for each platform's artifact.
 */

/** A version passed over and the locked platforms it has no build for. */
export interface Gap {
  version: string;
  lacks: PlatformKey[];
  /** What the recipe said when its artifact was asked for (set for probed versions). */
  detail?: string;
}

export interface PlatformPick {
  /** The newest candidate known to have every platform. */
  picked?: VersionInfo;
  /** A candidate nothing is known about: ask for its artifacts, record what it lacks, pick again. */
  probe?: VersionInfo;
  /** Newer candidates passed over, newest first. */
  skipped: Gap[];
  /** Candidates left unchecked because `maxProbes` was reached. */
  unchecked: number;
}

/** How many candidates may be tried artifact by artifact before giving up (each costs requests). */
export const MAX_PROBES = 6;

/** The versions `range` allows, newest first; a version spelled exactly as the range is the only one. */
export function rangeCandidates(range: string, versions: readonly VersionInfo[]): VersionInfo[] {
  const exact = versions.find((v) => v.version === range);
  if (exact) return [exact];
  return sortVersions(versions.filter((v) => rangeAllows(range, v.version, v)));
}

/** The platforms of `platforms` that `info` has no build for, or undefined when the list does not say. */
export function lacking(info: VersionInfo, platforms: readonly PlatformKey[], probed?: ReadonlyMap<string, readonly PlatformKey[]>): PlatformKey[] | undefined {
  const seen = probed?.get(info.version);
  if (seen) return platforms.filter((p) => seen.includes(p));
  if (!info.platforms) return undefined;
  return platforms.filter((p) => !info.platforms!.includes(p));
}

export function pickOnPlatforms(
  range: string,
  versions: readonly VersionInfo[],
  platforms: readonly PlatformKey[],
  probed: ReadonlyMap<string, readonly PlatformKey[]> = new Map(),
  maxProbes = MAX_PROBES,
): PlatformPick {
  const candidates = rangeCandidates(range, versions);
  const skipped: Gap[] = [];
  for (const [i, info] of candidates.entries()) {
    const lacks = lacking(info, platforms, probed);
    if (lacks === undefined) {
      if (probed.size >= maxProbes) return { skipped, unchecked: candidates.length - i };
      return { probe: info, skipped, unchecked: 0 };
    }
    if (!lacks.length) return { picked: info, skipped, unchecked: 0 };
    skipped.push({ version: info.version, lacks });
  }
  return { skipped, unchecked: 0 };
}

/** The newest version (stable first) the list says has every platform, for an error's hint. */
export function newestOnAll(versions: readonly VersionInfo[], platforms: readonly PlatformKey[]): string | undefined {
  const ok = versions.filter((v) => lacking(v, platforms)?.length === 0);
  return (rangeCandidates("latest", ok)[0] ?? sortVersions(ok)[0])?.version;
}

const GROUP_SHOWN = 3;

/** `18.20.8, 18.20.7, 18.20.6 … 18.9.1 (29 versions)`: a group of versions, newest first, bounded. */
function versionList(vs: readonly string[]): string {
  if (vs.length <= GROUP_SHOWN + 1) return vs.join(", ");
  return `${vs.slice(0, GROUP_SHOWN).join(", ")} … ${vs[vs.length - 1]} (${vs.length} versions)`;
}

const buildsOf = (ps: readonly PlatformKey[]) => `no ${ps.join(", ")} build`;

/**
 * The line `lock` and `add` print for a pick that passed over newer versions, e.g.
 * `node: 18.9.0 picked; 18.20.8, 18.20.7, 18.20.6 … 18.9.1 (29 versions) skipped: no darwin-arm64 build`.
 * Versions lacking the same platforms are grouped.
 */
export function skippedLine(tool: string, picked: string, skipped: readonly Gap[]): string {
  const groups = new Map<string, { lacks: PlatformKey[]; versions: string[] }>();
  for (const g of skipped) {
    const key = g.lacks.join(",");
    const group = groups.get(key) ?? { lacks: g.lacks, versions: [] };
    group.versions.push(g.version);
    groups.set(key, group);
  }
  const parts = [...groups.values()].map((g) => `${versionList(g.versions)} skipped: ${buildsOf(g.lacks)}`);
  return `${tool}: ${picked} picked; ${parts.join("; ")}`;
}

const LISTED = 8;

/** The lines of the "no version has every platform" error: each candidate and what it lacks, newest first, bounded. */
export function gapLines(skipped: readonly Gap[], unchecked: number): string[] {
  const lines = skipped.slice(0, LISTED).map((g) => `${g.version}: ${g.detail ?? buildsOf(g.lacks)}`);
  const rest = skipped.slice(LISTED);
  if (rest.length) {
    const lacks = [...new Set(rest.flatMap((g) => g.lacks))];
    lines.push(`… ${rest.length} older ${rest.length === 1 ? "version" : "versions"} (down to ${rest[rest.length - 1]!.version}), lacking ${lacks.join(", ")}`);
  }
  if (unchecked) lines.push(`… ${unchecked} older ${unchecked === 1 ? "version" : "versions"} not checked (devenv tries at most ${MAX_PROBES} one by one)`);
  return lines;
}

import { DevenvError } from "../../errors.js";
import type { LockEntry } from "../../lock/types.js";
import type { PlatformKey, VersionInfo } from "../../recipes/types.js";
import { gapLines, newestOnAll, pickOnPlatforms, type Gap } from "../../resolver/platform-pick.js";

/** Each platform's locked artifact for a version (lock.ts's `artifacts`). */
export type ArtifactsFor = (version: string, platforms: readonly PlatformKey[]) => Promise<LockEntry["platforms"]>;

export interface PickedOnPlatforms {
  picked: VersionInfo;
  /** Newer versions the range allows that were passed over, and what each lacks. */
  skipped: Gap[];
  platforms: LockEntry["platforms"];
}

export interface PickRequest {
  name: string;
  range: string;
  /** The platforms to lock that the recipe publishes at all (the others are left out with a line). */
  platforms: readonly PlatformKey[];
  /** This machine's platform: a version lacking it cannot be used here, whatever devenv.ts says. */
  host: PlatformKey;
  /** One more way out, from the request itself (e.g. leaving out `from: "npm"`), ending the hint. */
  note?: string;
}

/**
 * The rule of resolver/platform-pick.ts with the I/O it needs: a candidate whose platforms the
 * version list does not give is tried artifact by artifact (newest first, at most MAX_PROBES).
 * Only an UNSUPPORTED_PLATFORM answer passes a candidate over; any other failure (network,
 * missing checksum) stops the lock as it did.
 */
export async function pickAndFetch(req: PickRequest, versions: readonly VersionInfo[], fetch: ArtifactsFor): Promise<PickedOnPlatforms> {
  const probed = new Map<string, PlatformKey[]>();
  // The recipe's own UNSUPPORTED_PLATFORM errors per probed version: their message and hint say more
  // (what the release does publish, the nearest version that has the platform).
  const said = new Map<string, DevenvError[]>();
  for (;;) {
    const r = pickOnPlatforms(req.range, versions, req.platforms, probed);
    const candidate = r.picked ?? r.probe;
    if (!candidate) {
      const skipped = r.skipped.map((g) => {
        const errors = said.get(g.version);
        return errors ? { ...g, detail: errors.map((e) => e.message).join("; ") } : g;
      });
      const first = skipped.find((g) => said.has(g.version));
      throw noVersionOnAll(req, versions, skipped, r.unchecked, first && said.get(first.version)![0]!.hint);
    }
    const tried = await tryPlatforms(candidate.version, req.platforms, fetch);
    if (!tried.lacks.length) return { picked: candidate, skipped: r.skipped, platforms: tried.platforms };
    probed.set(candidate.version, tried.lacks);
    said.set(candidate.version, tried.errors);
  }
}

async function tryPlatforms(version: string, platforms: readonly PlatformKey[], fetch: ArtifactsFor) {
  const settled = await Promise.allSettled(platforms.map((p) => fetch(version, [p])));
  const out: LockEntry["platforms"] = {};
  const lacks: PlatformKey[] = [];
  const errors: DevenvError[] = [];
  for (const [i, s] of settled.entries()) {
    if (s.status === "fulfilled") Object.assign(out, s.value);
    else if (isUnsupported(s.reason)) {
      lacks.push(platforms[i]!);
      errors.push(s.reason);
    }
  }
  const fatal = settled.find((s): s is PromiseRejectedResult => s.status === "rejected" && !isUnsupported(s.reason));
  if (fatal) throw fatal.reason;
  return { platforms: out, lacks, errors };
}

const isUnsupported = (e: unknown): e is DevenvError => e instanceof DevenvError && e.code === "UNSUPPORTED_PLATFORM";

function noVersionOnAll(req: PickRequest, versions: readonly VersionInfo[], skipped: readonly Gap[], unchecked: number, recipeHint?: string): DevenvError {
  const lacks = [...new Set(skipped.flatMap((g) => g.lacks))];
  const droppable = lacks.filter((p) => p !== req.host);
  const newest = newestOnAll(versions, req.platforms);
  const hint = recipeHint ? [recipeHint, lacks.includes(req.host) ? `${req.host} is this machine: a version without it cannot be used here.` : ""].filter(Boolean).join(" ") : [
    newest ? `The newest ${req.name} with a build for all of them is ${newest}: ask for it (or a range that allows it).` : `Pick a version that has a build for all of them ('devenv versions ${req.name}').`,
    droppable.length ? `Or drop ${droppable.join(", ")} from 'platforms' in devenv.ts (and from 'devenv lock --platform'): devenv.lock then has no ${droppable.join(", ")} entry.` : "",
    lacks.includes(req.host) ? `${req.host} is this machine: a version without it cannot be used here.` : "",
  ].filter(Boolean).join(" ");
  return new DevenvError(
    "UNSUPPORTED_PLATFORM",
    `${req.name}: no version matching '${req.range}' has a build for every platform this project locks (${req.platforms.join(", ")}):\n  - ${gapLines(skipped, unchecked).join("\n  - ")}`,
    { hint: req.note ? `${hint} ${req.note}` : hint },
  );
}

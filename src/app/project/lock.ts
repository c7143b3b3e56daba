import type { ProjectConfig, ToolRequest } from "../../config/normalise.js";
import { DevenvError } from "../../errors.js";
import { LOCK_FILE } from "../../config/find.js";
import { recordedSha256, withComputedSha256 } from "../../lock/computed-sha256.js";
import { parseLock, serializeLock } from "../../lock/format.js";
import { versionProblem } from "../../lock/names.js";
import type { LockEntry, LockFile, LockedArtifact } from "../../lock/types.js";
import { checkLockEntry } from "../../resolver/check-entry.js";
import { entryMismatch, entryOutdated, frozenProblems, planLock, sourceOf } from "../../resolver/plan.js";
import { rangeAllows, sortVersions } from "../../resolver/range.js";
import { rangeCandidates, type Gap } from "../../resolver/platform-pick.js";
import type { Artifact, ArtifactFile, PlatformKey, Recipe } from "../../recipes/types.js";
import type { AppContext } from "../context.js";
import { recipeFor } from "./load.js";
import { pickAndFetch } from "./pick.js";
import { listVersions } from "./versions.js";
import { artifactWithPolicy, checksumPolicy, firstDownloadValues, refuseFirstDownload, type ChecksumPolicy, type FirstDownloadValue } from "./first-download.js";

export interface LockOptions {
  update?: ReadonlySet<string> | "all";
  frozen?: boolean;
  /** Extra platforms to record besides the host and devenv.ts `platforms`. */
  platforms?: readonly PlatformKey[];
  /** --strict: refuse first-download checksums (also strictChecksums in devenv.ts, DEVENV_STRICT_CHECKSUMS=1). */
  strict?: boolean;
  /** --trust-first-download: a file no upstream hashed may be hashed on first download, for every tool locked now. */
  trustFirstDownload?: boolean;
}

export interface LockResult {
  lock: LockFile;
  changed: Array<{ name: string; from?: string; to: string }>;
  dropped: string[];
  /** Tools left out of some wanted platforms because their upstream publishes nothing for them. */
  unpublished: Array<{ name: string; platforms: PlatformKey[] }>;
  /** Every file of the resulting lock whose sha256 was trusted on first download (the CLI prints a line each). */
  firstDownload: FirstDownloadValue[];
  /** Tools locked at an older version than their range allows, because newer ones lack a locked platform. */
  skipped: Array<{ name: string; version: string; skipped: Gap[] }>;
}

export const lockPlatforms = (ctx: AppContext, project: ProjectConfig, extra: readonly PlatformKey[] = []): PlatformKey[] =>
  [...new Set<PlatformKey>([ctx.platform, ...project.platforms, ...extra])];

/**
 * Bring devenv.lock in line with devenv.ts: keep entries that still satisfy their request,
 * resolve the others (version list → newest match → artifact + checksum per platform), drop
 * the removed ones. With `frozen`, any needed change is an error instead.
 */
export async function lockProject(ctx: AppContext, project: ProjectConfig, current: LockFile, opts: LockOptions = {}): Promise<LockResult> {
  const platforms = lockPlatforms(ctx, project, opts.platforms);
  const policy = checksumPolicy(ctx, project, opts);
  const recipes = new Map<string, Recipe>();
  // A tool `update` moves is read from this devenv's registry commit, not the one it was locked from.
  const updating = (name: string) => opts.update === "all" || Boolean(opts.update?.has(name));
  for (const req of project.tools) recipes.set(req.name, await recipeFor(ctx, req, updating(req.name) ? undefined : current.tools[req.name]));
  const requests = project.tools.map((req) => canonicalRequest(req, recipes.get(req.name)!));
  const recipe = (name: string) => recipes.get(name)!;
  // A tool from the project's own registry file, edited (and allowed) since it was locked, resolves again.
  const edited = project.tools.filter((req) => projectRegistryEdited(recipe(req.name), current.tools[req.name])).map((req) => req.name);
  const update = edited.length && opts.update !== "all" ? new Set([...(opts.update ?? []), ...edited]) : opts.update;
  const plan = planLock(requests, current, platforms, update, (name) => recipe(name).platforms, (name) => recipe(name).revision);
  // devenv.lock came with a pull: every entry kept is checked before anything is fetched or written.
  for (const k of plan.keep) checkLockEntry(k.req, recipe(k.req.name), k.entry, { artifacts: !k.relock });
  refuseFirstDownload(policy, plan.keep.filter((k) => !k.relock).map((k) => ({ name: k.req.name, entry: k.entry })));
  const unpublished = requests
    .map((req) => ({ name: req.name, platforms: platforms.filter((p) => !recipes.get(req.name)!.platforms.includes(p)) }))
    .filter((u) => u.platforms.length);
  if (opts.frozen) {
    const problems = frozenProblems(plan);
    if (problems.length) {
      throw new DevenvError("LOCK_FROZEN", `devenv.lock does not satisfy devenv.ts:\n  - ${problems.join("\n  - ")}`, {
        hint: "Run 'devenv lock' (or 'devenv install' without --frozen) and commit the updated devenv.lock.",
      });
    }
  }
  const tools: Record<string, LockEntry> = {};
  const changed: LockResult["changed"] = [];
  const work: Array<Promise<void>> = [];
  const relockLacking: ToolRequest[] = [];
  const orRelock = (req: ToolRequest, p: Promise<void>) => p.catch((e: unknown) => {
    if (!lacksPlatform(e)) throw e;
    relockLacking.push(req);
  });
  for (const { req, entry, missing, relock } of plan.keep) {
    const r = recipe(req.name);
    if (relock) {
      // Made with an older recipe: the same version, every platform's artifact as this recipe gives it.
      const wanted = [...new Set([...(Object.keys(entry.platforms) as PlatformKey[]), ...missing])].filter((p) => r.platforms.includes(p));
      work.push(orRelock(req, (async () => {
        const { catalog: _c, signatures: _s, ...rest } = entry;
        tools[req.name] = { ...rest, request: req.range, recipeRevision: r.revision, ...provenanceOf(r, entry.version), platforms: await artifacts(ctx, r, req, entry.version, wanted, policy, entry.platforms) };
      })()));
      continue;
    }
    // A widened range that still allows the locked version keeps it; the lock records the new request.
    tools[req.name] = entry.request === req.range ? entry : { ...entry, request: req.range };
    if (missing.length) {
      work.push(orRelock(req, (async () => {
        tools[req.name] = { ...entry, request: req.range, platforms: { ...entry.platforms, ...(await artifacts(ctx, r, req, entry.version, missing, policy)) } };
      })()));
    }
  }
  const skipped: LockResult["skipped"] = [];
  const resolve = async (req: ToolRequest) => {
    const { entry, skipped: passed } = await resolveTool(ctx, req, recipes.get(req.name)!, platforms, policy).catch((e: unknown) => {
      throw otherSources(e, req, recipes.get(req.name)!);
    });
    tools[req.name] = entry;
    if (passed.length) skipped.push({ name: req.name, version: entry.version, skipped: passed });
    const from = current.tools[req.name]?.version;
    if (from !== entry.version || current.tools[req.name]?.request !== entry.request) {
      changed.push({ name: req.name, ...(from ? { from } : {}), to: entry.version });
    }
  };
  for (const { req } of plan.resolve) work.push(resolve(req));
  await Promise.all(work);
  // A kept version without a build for a platform added since: resolve the range again (same rule).
  await Promise.all(relockLacking.map(resolve));
  // An entry locked again at the same files keeps the sha256 recorded beside their integrity.
  const lock = withComputedSha256({ lockVersion: current.lockVersion, tools }, recordedSha256(current));
  if (work.length) checkOwnLock(lock, requests, recipe);
  return { lock, changed, dropped: plan.drop, unpublished, firstDownload: firstDownloadValues(lock.tools), skipped: skipped.sort((a, b) => (a.name < b.name ? -1 : 1)) };
}

const lacksPlatform = (e: unknown) => e instanceof DevenvError && e.code === "UNSUPPORTED_PLATFORM";

/**
 * Never write a lock the next run would refuse: what an upstream listed (a URL, a version, a part)
 * passes the same checks as a pulled devenv.lock, or nothing is written.
 */
function checkOwnLock(lock: LockFile, requests: readonly ToolRequest[], recipe: (name: string) => Recipe): void {
  try {
    parseLock(serializeLock(lock), LOCK_FILE);
    for (const req of requests) checkLockEntry(req, recipe(req.name), lock.tools[req.name]!);
  } catch (e) {
    if (!(e instanceof DevenvError)) throw e;
    throw new DevenvError("LOCK_INVALID", `refusing to lock what the upstream lists: ${e.message}`, {
      hint: "devenv checks what it locks as it checks a pulled devenv.lock; nothing was written. Pick another version, or report it with the tool, version and platform.",
    });
  }
}

/**
 * The newest version the range allows with a build for every platform to lock that the recipe
 * publishes at all (app/pick.ts), its artifacts, and the newer versions passed over.
 */
export async function resolveTool(ctx: AppContext, req: ToolRequest, recipe: Recipe, platforms: readonly PlatformKey[], policy: ChecksumPolicy = NO_POLICY): Promise<{ entry: LockEntry; skipped: Gap[] }> {
  if (!recipe.platforms.includes(ctx.platform)) {
    throw new DevenvError("UNSUPPORTED_PLATFORM", `${req.name} is not published for ${ctx.platform}`, {
      hint: `${req.name} is available for: ${recipe.platforms.join(", ") || "no platform"}.`,
    });
  }
  // A version that could not be a store entry's name is never locked (devenv would refuse its own lock).
  const wanted = platforms.filter((p) => recipe.platforms.includes(p));
  const query = { satisfies: (v: string) => rangeAllows(req.range, v), platforms: wanted };
  const versions = (await listVersions(ctx, recipe, req.options, req.inline, query)).filter((v) => !versionProblem(v.version));
  if (!rangeCandidates(req.range, versions).length) {
    const newest = sortVersions(versions).slice(0, 5).map((v) => v.version);
    throw new DevenvError("NO_MATCHING_VERSION", `${req.name}: no version matches '${req.range}'`, {
      hint: newest.length ? `Newest versions: ${newest.join(", ")}. 'devenv versions ${req.name}' lists them all.` : `${req.name} lists no versions.`,
    });
  }
  // The per-platform npm packages are published apart from each other, and lag the upstream's own downloads.
  const note = req.options.from === "npm" ? `Or leave out from: "npm" for ${req.name}: its own downloads are not bound to what each npm package republished.` : undefined;
  const pick = await pickAndFetch({ name: req.name, range: req.range, platforms: wanted, host: ctx.platform, ...(note ? { note } : {}) }, versions,
    (version, ps) => artifacts(ctx, recipe, req, version, ps, policy));
  const entry: LockEntry = {
    request: req.range,
    version: pick.picked.version,
    source: sourceOf(req),
    recipeRevision: recipe.revision,
    ...(Object.keys(req.options).length ? { options: req.options } : {}),
    ...provenanceOf(recipe, pick.picked.version),
    platforms: pick.platforms,
  };
  return { entry, skipped: pick.skipped };
}

function projectRegistryEdited(recipe: Recipe, entry: LockEntry | undefined): boolean {
  if (entry?.catalog?.registry !== "project") return false;
  return recipe.provenance?.(entry.version).catalog?.sha256 !== entry.catalog.sha256;
}

/** The lock's record of which catalogue entry (and signature metadata) a version came from. */
function provenanceOf(recipe: Recipe, version: string): Pick<LockEntry, "catalog" | "signatures"> {
  const p = recipe.provenance?.(version);
  return {
    ...(p?.catalog ? { catalog: { ...p.catalog } } : {}),
    ...(p?.signatures && Object.keys(p.signatures).length ? { signatures: p.signatures } : {}),
  };
}

const NO_POLICY: ChecksumPolicy = { strict: undefined, trustFirstDownload: false };

/** `previous`: the same version's artifacts as locked before (a relock), whose first-download values are kept. */
async function artifacts(ctx: AppContext, recipe: Recipe, req: ToolRequest, version: string, platforms: readonly PlatformKey[], policy: ChecksumPolicy, previous?: LockEntry["platforms"]) {
  const out: LockEntry["platforms"] = {};
  await Promise.all(platforms.map(async (p) => {
    const get = () => recipe.artifact({ http: ctx.http }, version, p, req.options);
    out[p] = lockedArtifact(await artifactWithPolicy(ctx, get, req, version, p, policy, previous?.[p]));
  }));
  return out;
}

const fileFields = (a: ArtifactFile) => ({
  url: a.url,
  ...(a.sha256 !== undefined ? { sha256: a.sha256 } : {}),
  ...(a.integrity !== undefined ? { integrity: a.integrity } : {}),
  ...(a.checksum !== undefined ? { checksum: a.checksum } : {}),
  format: a.format,
  strip: a.strip,
  ...(a.size !== undefined ? { size: a.size } : {}),
});

/** What the lock records of a recipe's artifact (only known fields, so a recipe cannot smuggle others in). */
export function lockedArtifact(a: Artifact): LockedArtifact {
  return {
    ...fileFields(a),
    ...(a.requires && Object.keys(a.requires).length ? { requires: { ...a.requires } } : {}),
    ...(a.parts?.length ? { parts: a.parts.map((p) => ({ ...fileFields(p), name: p.name, ...(p.dir ? { dir: p.dir } : {}) })) } : {}),
  };
}

/** A request with its options in canonical form (rust's targets sorted): reordering devenv.ts changes nothing. */
export function canonicalRequest(req: ToolRequest, recipe: Recipe): ToolRequest {
  const options = recipe.normalizeOptions ? recipe.normalizeOptions(req.options) : req.options;
  return options === req.options && !recipe.source ? req : { ...req, options, ...(recipe.source ? { source: recipe.source } : {}) };
}

/** Why a lock entry cannot be used as it is for this request (devenv.ts changed, an older recipe), or undefined. */
export function staleReason(req: ToolRequest, recipe: Recipe, entry: LockEntry | undefined): string | undefined {
  const canon = canonicalRequest(req, recipe);
  return entryMismatch(canon, entry) ?? (entry && entryOutdated(canon, entry, recipe.revision));
}

/**
 * The last check before a lock entry is installed or activated (every command and the hook come
 * through projectTools): it satisfies devenv.ts as it is, and is what devenv.ts and the recipe
 * would produce (check-entry.ts).
 */
export function checkUsableEntry(req: ToolRequest, recipe: Recipe, entry: LockEntry): void {
  const stale = staleReason(req, recipe, entry);
  if (stale) {
    throw new DevenvError("LOCK_FROZEN", `devenv.lock does not satisfy devenv.ts: ${stale}`, {
      hint: "Run 'devenv lock' (or 'devenv install') and commit the updated devenv.lock.",
    });
  }
  checkLockEntry(canonicalRequest(req, recipe), recipe, entry);
}

/**
 * A tool's default upstream could not be reached: when the recipe has another source (node and
 * cmake: the npm registry, which is often reachable where nodejs.org or GitHub are not), say so.
 */
function otherSources(e: unknown, req: ToolRequest, recipe: Recipe): unknown {
  if (!(e instanceof DevenvError) || e.code !== "HTTP" || req.options.from !== undefined || !recipe.options?.includes("from")) return e;
  return new DevenvError(e.code, e.message, {
    cause: e,
    hint: `${e.hint ? `${e.hint} ` : ""}${req.name} is also published as npm packages: from: "npm" in devenv.ts (devenv add ${req.name}@${req.range} --from npm) reads them from your npm registry.`,
  });
}

/**
 * Checksum provenance at lock time: the first-download opt-in and the strict setting.
 *
 * A recipe throws ChecksumMissingError when no upstream publishes a checksum for a file (no digest,
 * no checksum file, no table entry). Without the opt-in that error stands, its hint naming the
 * opt-in. With it (`checksum: "first-download"` on the tool in devenv.ts, or --trust-first-download),
 * devenv downloads the file once, bounded as every download is, hashes it and locks that sha256
 * with `checksum: "first-download"`; the file is kept for the install that follows in this process.
 * Strict checksums (strictChecksums in devenv.ts, DEVENV_STRICT_CHECKSUMS=1, --strict) refuse both
 * the opt-in and a devenv.lock that holds such a value.
 */
import type { ProjectConfig, ToolRequest } from "../../config/normalise.js";
import { DevenvError, redactUrl } from "../../errors.js";
import type { LockEntry, LockedArtifact, LockFile } from "../../lock/types.js";
import { ChecksumMissingError } from "../../recipes/checksums.js";
import type { Artifact, ArtifactFile, PlatformKey } from "../../recipes/types.js";
import { downloadToFile } from "../../store/download.js";
import { keepDownload, keptDownloadPath } from "../../store/kept-downloads.js";
import type { AppContext } from "../context.js";
import { silentReporter } from "../../reporter.js";

type LockedFile = Pick<LockedArtifact, "url" | "sha256" | "checksum">;

/** The opt-in as the user writes it, for hints. */
export const OPT_IN_FIELD = 'checksum: "first-download"';
export const OPT_IN_FLAG = "--trust-first-download";

export interface ChecksumPolicy {
  /** Why checksums are strict (--strict, strictChecksums in devenv.ts, DEVENV_STRICT_CHECKSUMS=1) and how to turn it off, or undefined. */
  strict: { why: string; off: string } | undefined;
  /** --trust-first-download: every tool locked in this run may be. */
  trustFirstDownload: boolean;
}

export function checksumPolicy(ctx: AppContext, project: ProjectConfig, opts: { strict?: boolean; trustFirstDownload?: boolean }): ChecksumPolicy {
  const env = ctx.env.DEVENV_STRICT_CHECKSUMS;
  const strict = opts.strict
    ? { why: "--strict", off: "run without --strict" }
    : project.strictChecksums
      ? { why: "strictChecksums: true in devenv.ts", off: "remove strictChecksums from devenv.ts" }
      : env === "1" || env === "true"
        ? { why: `DEVENV_STRICT_CHECKSUMS=${env}`, off: "unset DEVENV_STRICT_CHECKSUMS" }
        : undefined;
  return { strict, trustFirstDownload: Boolean(opts.trustFirstDownload) };
}

/** One file of devenv.lock whose sha256 was trusted on first download. */
export interface FirstDownloadValue {
  name: string;
  version: string;
  platform: PlatformKey;
  /** The file's name (the URL's last segment). */
  file: string;
  /** `tools.<name>.platforms.<platform>[.parts.<i>]` */
  at: string;
}

const fileName = (url: string) => redactUrl(url).replace(/[?#].*$/, "").split("/").filter(Boolean).at(-1) ?? url;

export function firstDownloadValues(tools: LockFile["tools"]): FirstDownloadValue[] {
  const out: FirstDownloadValue[] = [];
  for (const [name, entry] of Object.entries(tools)) out.push(...entryValues(name, entry));
  return out;
}

function entryValues(name: string, entry: LockEntry): FirstDownloadValue[] {
  const out: FirstDownloadValue[] = [];
  for (const [key, a] of Object.entries(entry.platforms)) {
    if (!a) continue;
    const platform = key as PlatformKey;
    const at = `tools.${name}.platforms.${platform}`;
    const files = [{ at, f: a }, ...(a.parts ?? []).map((p, i) => ({ at: `${at}.parts.${i}`, f: p }))];
    for (const { at: where, f } of files) {
      if (f.checksum === "first-download") out.push({ name, version: entry.version, platform, file: fileName(f.url), at: where });
    }
  }
  return out;
}

/** The line the CLI prints for each first-download value of the lock it wrote or checked. */
export const describeFirstDownload = (v: FirstDownloadValue): string =>
  `${v.name} ${v.version} ${v.platform}: ${v.file} trusted on first download (no published checksum; devenv hashed the file it downloaded when locking)`;

/** Under strict checksums, refuse lock entries that hold a first-download value. */
export function refuseFirstDownload(policy: ChecksumPolicy, entries: ReadonlyArray<{ name: string; entry: LockEntry }>): void {
  if (!policy.strict) return;
  const found = entries.flatMap(({ name, entry }) => entryValues(name, entry));
  if (!found.length) return;
  const names = [...new Set(found.map((v) => v.name))];
  throw new DevenvError("CHECKSUM_UNTRUSTED", `devenv.lock: ${found.map((v) => `${v.at}.checksum: ${v.file} (${v.name} ${v.version}, ${v.platform}) was trusted on first download`).join("; ")}; strict checksums are on (${policy.strict.why})`, {
    hint: `Strict checksums accept only checksums an upstream published; nothing was downloaded or installed. Change ${names.join(", ")} to a version whose upstream publishes one (drop ${OPT_IN_FIELD}, then 'devenv update ${names.join(" ")}'), or, to accept the value trusted on first download, turn strict off (${policy.strict.off}).`,
  });
}

/**
 * The artifact of `version` for `platform` as the recipe gives it, or, when it throws
 * ChecksumMissingError and the user opted in, with the sha256 of the file downloaded once now.
 */
export async function artifactWithPolicy(
  ctx: AppContext,
  get: () => Promise<Artifact>,
  req: ToolRequest,
  version: string,
  platform: PlatformKey,
  policy: ChecksumPolicy,
  previous?: LockedArtifact,
): Promise<Artifact> {
  try {
    return await get();
  } catch (e) {
    if (!(e instanceof ChecksumMissingError)) throw e;
    const optedIn = req.checksum === "first-download" || policy.trustFirstDownload;
    if (!optedIn || policy.strict) throw missingWithOptIn(e, req.name, policy);
    return await hashOnDownload(ctx, e.artifact, `${req.name} ${version} (${platform})`, previous);
  }
}

function missingWithOptIn(e: ChecksumMissingError, name: string, policy: ChecksumPolicy): DevenvError {
  const own = e.hint ? `${e.hint} ` : "";
  const hint = policy.strict
    ? `${own}Strict checksums are on (${policy.strict.why}), so devenv does not trust a file on first download: pick a version whose upstream publishes a checksum, or turn strict off (${policy.strict.off}) to use ${OPT_IN_FIELD} / ${OPT_IN_FLAG}.`
    : `${own}Or trust the file as first downloaded: add ${OPT_IN_FIELD} to tools.${name} in devenv.ts (e.g. ${name}: { version: "…", ${OPT_IN_FIELD} }), or run with ${OPT_IN_FLAG} (devenv add/lock/install/update). devenv then downloads it once, hashes it and records checksum "first-download" in devenv.lock; each other locked platform's file is downloaded too.`;
  return new DevenvError("CHECKSUM_MISSING", e.message, { hint, cause: e });
}

/**
 * Hash each file the recipe could not give a checksum for. A value this lock already trusted on first
 * download for the same URL (a relock of the same version) is kept, not replaced by whatever the server
 * sends now: trust on first download means the first one.
 */
async function hashOnDownload(ctx: AppContext, a: ChecksumMissingError["artifact"], label: string, previous: LockedArtifact | undefined): Promise<Artifact> {
  const hashed = async (f: Omit<ArtifactFile, "sha256" | "integrity" | "checksum">, was: LockedFile | undefined, what: string) =>
    was?.checksum === "first-download" && was.url === f.url && was.sha256 !== undefined
      ? { sha256: was.sha256, checksum: "first-download" as const }
      : await hashFile(ctx, f, what);
  const main = await hashed(a, previous, label);
  const parts = a.parts && (await Promise.all(a.parts.map(async (p) =>
    p.sha256 !== undefined || p.integrity !== undefined ? p : { ...p, ...(await hashed(p, previous?.parts?.find((q) => q.name === p.name), `${label} ${p.name}`)) })));
  return { ...a, ...main, ...(parts ? { parts } : {}) };
}

/** Download `f` once, bounded like an install's download (its size, the store's free space, the HTTP limits), and hash it. */
async function hashFile(ctx: AppContext, f: Omit<ArtifactFile, "sha256" | "integrity" | "checksum">, label: string): Promise<{ sha256: string; checksum: "first-download" }> {
  const path = keptDownloadPath(ctx.dirs.store);
  // A line, not a progress bar: the reporter's bars end in "installed", and nothing is installed yet.
  ctx.reporter.info(`${label}: downloading ${fileName(f.url)} to hash it (no published checksum; trusted on first download)`);
  const res = await ctx.http.get(f.url);
  const { digest } = await downloadToFile({ res, url: f.url, file: path, label, size: f.size, spaceDir: ctx.dirs.store, algorithm: "sha256", task: silentReporter.download(label, undefined) });
  keepDownload(f.url, digest, path);
  return { sha256: digest, checksum: "first-download" };
}

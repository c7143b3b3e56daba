/** nodejs.org/dist: index.json, v{V}/SHASUMS256.txt, v{V}/node-v{V}-{os}-{arch}.tar.{gz,xz}. */
import { gzip, nodeTree, sha256hex, tarEntries, xz, type NodeArch, type NodeOs } from "../archives.js";
import { bytes, compareVersions, json, Lazy, normalizeSpecs, shaLines, type Upstream, type VersionSpec } from "./types.js";

export interface NodeVersionInfo {
  /** YYYY-MM-DD; default derived from the version (real dates for a few well-known ones). */
  date: string;
  /** LTS codename or false; default from the real LTS schedule (e.g. 22.11.0+ → "Jod"). */
  lts: string | false;
  security: boolean;
  npm: string;
  /**
   * index.json `files` (default: every platform). Only the platforms listed are served and in
   * SHASUMS256.txt (`linux-x64`, `linux-arm64`, `osx-x64-tar`, `osx-arm64-tar`), as on nodejs.org.
   */
  files: string[];
}
export type NodeVersionSpec = VersionSpec<NodeVersionInfo>;

/** Platforms whose archives are actually served (and listed in SHASUMS256.txt). */
export const NODE_PLATFORMS: readonly (readonly [NodeOs, NodeArch])[] = [
  ["linux", "x64"], ["linux", "arm64"], ["darwin", "x64"], ["darwin", "arm64"],
];

// major → [codename, first LTS minor]
const LTS: Record<number, [string, number]> = {
  12: ["Erbium", 13], 14: ["Fermium", 15], 16: ["Gallium", 13], 18: ["Hydrogen", 12],
  20: ["Iron", 9], 22: ["Jod", 11], 24: ["Krypton", 11],
};
const KNOWN_DATES: Record<string, string> = {
  "22.11.0": "2024-10-29", "20.18.0": "2024-10-03", "20.11.1": "2024-02-14", "22.12.0": "2024-12-03",
  "18.20.4": "2024-07-08", "23.0.0": "2024-10-16",
};

/** Plausible date: a major every ~6 months (22.0.0 = 2024-04-24), ~4 weeks per minor, a week per patch. */
function nodeDate(v: string): string {
  const [maj = 0, min = 0, pat = 0] = v.split(/[-+]/)[0]!.split(".").map((n) => Number(n) || 0);
  return new Date(Date.UTC(2024, 3, 24) + ((maj - 22) * 182 + min * 28 + pat * 7) * 86_400_000).toISOString().slice(0, 10);
}

function ltsOf(version: string): string | false {
  const [maj = 0, min = 0] = version.split(".").map(Number);
  const l = LTS[maj];
  return l && min >= l[1] ? l[0] : false;
}

// Listed in index.json "files" (real names; only some are served).
const FILES = [
  "aix-ppc64", "headers", "linux-arm64", "linux-armv7l", "linux-ppc64le", "linux-s390x", "linux-x64",
  "osx-arm64-tar", "osx-x64-pkg", "osx-x64-tar", "src", "win-arm64-7z", "win-arm64-zip", "win-x64-7z",
  "win-x64-exe", "win-x64-msi", "win-x64-zip", "win-x86-7z", "win-x86-exe", "win-x86-msi", "win-x86-zip",
];
// Realistic SHASUMS lines for files that are NOT served (their sums are of a placeholder string).
const UNSERVED = (v: string) => [
  `node-v${v}-aix-ppc64.tar.gz`, `node-v${v}-arm64.msi`, `node-v${v}-headers.tar.gz`, `node-v${v}-headers.tar.xz`,
  `node-v${v}-linux-armv7l.tar.gz`, `node-v${v}-linux-armv7l.tar.xz`, `node-v${v}-win-x64.7z`, `node-v${v}-win-x64.zip`,
  `node-v${v}-x64.msi`, `node-v${v}.pkg`, `node-v${v}.tar.gz`, `node-v${v}.tar.xz`, `win-x64/node.exe`, `win-x64/node.lib`,
];

export function nodeUpstream(specs: readonly NodeVersionSpec[] = []): Upstream {
  const versions = normalizeSpecs<NodeVersionInfo>(specs)
    .map((s) => ({ ...s, version: s.version.replace(/^v/, "") }))
    .sort((a, b) => compareVersions(b.version, a.version));
  const byVersion = new Map(versions.map((s) => [s.version, s]));
  const lazy = new Lazy();

  const archive = (v: string, os: NodeOs, arch: NodeArch, ext: "gz" | "xz"): Promise<Buffer> =>
    lazy.get(`${v}/${os}-${arch}.${ext}`, async () => {
      const tar = await lazy.get(`${v}/${os}-${arch}.tar`, () =>
        tarEntries(nodeTree({ version: v, os, arch, npmVersion: byVersion.get(v)?.npm ?? "10.9.0" })));
      return ext === "gz" ? gzip(tar) : xz(tar);
    });

  const INDEX_NAME = (os: NodeOs, arch: NodeArch) => (os === "darwin" ? `osx-${arch}-tar` : `${os}-${arch}`);
  /** The platforms a version has builds for. */
  const served = (v: string) => {
    const files = byVersion.get(v)?.files ?? FILES;
    return NODE_PLATFORMS.filter(([os, arch]) => files.includes(INDEX_NAME(os, arch)));
  };

  const shasums = (v: string): Promise<string> =>
    lazy.get(`${v}/SHASUMS256.txt`, async () => {
      const rows: [string, string][] = [];
      for (const [os, arch] of served(v)) {
        for (const ext of ["gz", "xz"] as const) rows.push([sha256hex(await archive(v, os, arch, ext)), `node-v${v}-${os}-${arch}.tar.${ext}`]);
      }
      for (const name of UNSERVED(v)) rows.push([sha256hex(`unserved ${name}`), name]);
      rows.sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
      return shaLines(rows);
    });

  const indexEntry = (s: (typeof versions)[number]) => {
    const major = Number(s.version.split(".")[0]);
    return {
      version: `v${s.version}`,
      date: s.date ?? KNOWN_DATES[s.version] ?? nodeDate(s.version),
      files: s.files ?? FILES,
      npm: s.npm ?? "10.9.0",
      v8: `${Math.max(1, major - 10)}.4.254.21`,
      uv: "1.48.0",
      zlib: "1.3.0.1-motley",
      openssl: "3.0.15+quic",
      modules: String(major * 6 - 5),
      lts: s.lts ?? ltsOf(s.version),
      security: s.security ?? false,
    };
  };

  return {
    name: "node",
    origins: ["https://nodejs.org"],
    async handle(req) {
      if (req.path === "/nodejs.org/dist/index.json") return json(versions.map(indexEntry));
      const m = /^\/nodejs\.org\/dist\/v([^/]+)\/(.+)$/.exec(req.path);
      if (!m || !byVersion.has(m[1]!)) return undefined;
      const v = m[1]!;
      const file = m[2]!;
      if (file === "SHASUMS256.txt") return bytes(await shasums(v), "text/plain; charset=utf-8");
      for (const [os, arch] of served(v)) {
        for (const ext of ["gz", "xz"] as const) {
          if (file === `node-v${v}-${os}-${arch}.tar.${ext}`) {
            return bytes(await archive(v, os, arch, ext), ext === "gz" ? "application/gzip" : "application/x-xz");
          }
        }
      }
      return undefined;
    },
  };
}

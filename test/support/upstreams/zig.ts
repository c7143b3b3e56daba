/** ziglang.org: download/index.json, download/{V}/{name}.tar.xz, builds/{name}.tar.xz (master). */
import { sha256hex, tarEntries, xz, zigDirName, zigTree, type ZigArch, type ZigOs } from "../archives.js";
import { bytes, compareVersions, json, Lazy, normalizeSpecs, type Upstream, type VersionSpec } from "./types.js";

export interface ZigVersionInfo { date: string }
export type ZigVersionSpec = VersionSpec<ZigVersionInfo>;

/** index.json keys ({arch}-{os}) whose tarballs are served. */
export const ZIG_PLATFORMS: readonly (readonly [ZigArch, ZigOs])[] = [
  ["x86_64", "linux"], ["aarch64", "linux"], ["x86_64", "macos"], ["aarch64", "macos"],
];
const KNOWN_DATES: Record<string, string> = {
  "0.11.0": "2023-08-04", "0.12.0": "2024-04-20", "0.12.1": "2024-06-08", "0.13.0": "2024-06-07",
  "0.14.0": "2025-03-05", "0.14.1": "2025-05-21",
};
/** Plausible, version-monotonic date: ≈ 8 months per 0.x minor (0.13 ≈ mid 2024). */
function zigDate(v: string): string {
  const [, min = 0, pat = 0] = v.split(/[-+]/)[0]!.split(".").map((n) => Number(n) || 0);
  return new Date(Date.UTC(2016, 0, 1) + (min * 240 + pat * 30) * 86_400_000).toISOString().slice(0, 10);
}
const REAL = "https://ziglang.org";

export interface ZigUpstreamOptions {
  /** Version of the "master" entry (served under /builds/); false to omit it. Default "0.15.0-dev.1+abc1234". */
  master?: string | false;
}

export function zigUpstream(specs: readonly ZigVersionSpec[] = [], opts: ZigUpstreamOptions = {}): Upstream {
  const versions = normalizeSpecs<ZigVersionInfo>(specs).sort((a, b) => compareVersions(b.version, a.version));
  const master = opts.master === undefined ? "0.15.0-dev.1+abc1234" : opts.master;
  const lazy = new Lazy();

  const tarball = (v: string, arch: ZigArch, os: ZigOs): Promise<Buffer> =>
    lazy.get(`${v}/${arch}-${os}`, () => xz(tarEntries(zigTree({ version: v, os, arch }))));
  const source = (v: string): Promise<Buffer> =>
    lazy.get(`${v}/src`, () => xz(tarEntries([{ path: `zig-${v}/README.md`, content: `zig ${v} source (fake)\n` }])));

  const entry = async (v: string, dirUrl: string, extra: Record<string, unknown>) => {
    const out: Record<string, unknown> = { ...extra };
    const src = await source(v);
    out.src = { tarball: `${dirUrl}/zig-${v}.tar.xz`, shasum: sha256hex(src), size: String(src.length) };
    for (const [arch, os] of ZIG_PLATFORMS) {
      const buf = await tarball(v, arch, os);
      out[`${arch}-${os}`] = { tarball: `${dirUrl}/${zigDirName(v, os, arch)}.tar.xz`, shasum: sha256hex(buf), size: String(buf.length) };
    }
    return out;
  };

  const index = () =>
    lazy.get("index.json", async () => {
      const out: Record<string, unknown> = {};
      if (master) {
        out.master = await entry(master, `${REAL}/builds`, {
          version: master, date: "2025-06-01",
          docs: `${REAL}/documentation/master/`, stdDocs: `${REAL}/documentation/master/std/`,
        });
      }
      for (const s of versions) {
        const v = s.version;
        out[v] = await entry(v, `${REAL}/download/${v}`, {
          date: s.date ?? KNOWN_DATES[v] ?? zigDate(v),
          docs: `${REAL}/documentation/${v}/`, stdDocs: `${REAL}/documentation/${v}/std/`,
          notes: `${REAL}/download/${v}/release-notes.html`,
        });
      }
      return out;
    });

  const serve = async (v: string, name: string) => {
    if (name === `zig-${v}.tar.xz`) return bytes(await source(v), "application/x-xz");
    for (const [arch, os] of ZIG_PLATFORMS) {
      if (name === `${zigDirName(v, os, arch)}.tar.xz`) return bytes(await tarball(v, arch, os), "application/x-xz");
    }
    return undefined;
  };

  return {
    name: "zig",
    origins: [REAL],
    async handle(req) {
      if (req.path === "/ziglang.org/download/index.json") return json(await index());
      const rel = /^\/ziglang\.org\/download\/([^/]+)\/([^/]+)$/.exec(req.path);
      if (rel && versions.some((s) => s.version === rel[1])) return serve(rel[1]!, rel[2]!);
      const b = /^\/ziglang\.org\/builds\/([^/]+)$/.exec(req.path);
      if (b && master) return serve(master, b[1]!);
      return undefined;
    },
  };
}

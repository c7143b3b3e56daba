/**
 * go.dev/dl (?mode=json[&include=all]: the release index, sha256 inline) and
 * dl.google.com/go/go{V}.{os}-{arch}.tar.gz (archives with the real `go/` layout).
 */
import { gzip, goTree, sha256hex, tarEntries, type GoArch, type GoOs } from "../archives.js";
import { bytes, json, Lazy, normalizeSpecs, type Upstream, type VersionSpec } from "./types.js";

export interface GoVersionInfo {
  /** Default: false for rc/beta names (go1.24rc1), true otherwise. */
  stable: boolean;
}
/** Versions as Go names them, without the `go` prefix: "1.23.4", "1.21.0", "1.20", "1.20.1", "1.24rc1". */
export type GoVersionSpec = VersionSpec<GoVersionInfo>;

/** Platforms whose archives are actually served. */
export const GO_PLATFORMS: readonly (readonly [GoOs, GoArch])[] = [
  ["linux", "amd64"], ["linux", "arm64"], ["darwin", "amd64"], ["darwin", "arm64"],
];
// Listed in the index (real names and kinds) but not served; their sha256 is of a placeholder string.
const UNSERVED: readonly (readonly [os: string, arch: string, ext: string, kind: string])[] = [
  ["darwin", "amd64", "pkg", "installer"], ["darwin", "arm64", "pkg", "installer"],
  ["freebsd", "amd64", "tar.gz", "archive"], ["linux", "386", "tar.gz", "archive"],
  ["linux", "armv6l", "tar.gz", "archive"], ["windows", "amd64", "zip", "archive"],
  ["windows", "amd64", "msi", "installer"],
];
const REAL_DL = "https://dl.google.com";
const REAL_SITE = "https://go.dev";

/** "1.24rc1" → [1, 24, 0, "rc", 1]-ish key for newest-first sorting; prereleases before their release. */
function goKey(v: string): number[] {
  const m = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:(alpha|beta|rc)(\d+))?$/.exec(v);
  if (!m) return [0];
  const pre = m[4] ? ({ alpha: 0, beta: 1, rc: 2 } as Record<string, number>)[m[4]]! : 3;
  return [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0), pre, Number(m[5] ?? 0)];
}
const compareGo = (a: string, b: string): number => {
  const x = goKey(a);
  const y = goKey(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
};

export function goUpstream(specs: readonly GoVersionSpec[] = []): Upstream {
  const versions = normalizeSpecs<GoVersionInfo>(specs)
    .map((s) => ({ ...s, version: s.version.replace(/^go/, "") }))
    .map((s) => ({ ...s, stable: s.stable ?? !/(alpha|beta|rc)\d+$/.test(s.version) }))
    .sort((a, b) => compareGo(b.version, a.version));
  const lazy = new Lazy();

  const archive = (v: string, os: GoOs, arch: GoArch): Promise<Buffer> =>
    lazy.get(`${v}/${os}-${arch}`, () => gzip(tarEntries(goTree({ version: v, os, arch }))));
  const source = (v: string): Promise<Buffer> =>
    lazy.get(`${v}/src`, () => gzip(tarEntries([{ path: "go/VERSION", content: `go${v}\n` }])));

  const release = (s: (typeof versions)[number]) =>
    lazy.get(`${s.version}/entry`, async () => {
      const v = s.version;
      const file = (filename: string, os: string, arch: string, sha256: string, size: number, kind: string) =>
        ({ filename, os, arch, version: `go${v}`, sha256, size, kind });
      const src = await source(v);
      const files = [file(`go${v}.src.tar.gz`, "", "", sha256hex(src), src.length, "source")];
      for (const [os, arch] of GO_PLATFORMS) {
        const buf = await archive(v, os, arch);
        files.push(file(`go${v}.${os}-${arch}.tar.gz`, os, arch, sha256hex(buf), buf.length, "archive"));
      }
      for (const [os, arch, ext, kind] of UNSERVED) {
        const name = `go${v}.${os}-${arch}.${ext}`;
        files.push(file(name, os, arch, sha256hex(`unserved ${name}`), 70_000_000, kind));
      }
      files.sort((a, b) => (a.filename < b.filename ? -1 : a.filename > b.filename ? 1 : 0));
      return { version: `go${v}`, stable: s.stable, files };
    });

  /** Without include=all the real index lists only the newest stable release of the two newest minors. */
  const current = () => {
    const seen = new Set<string>();
    const out: (typeof versions)[number][] = [];
    for (const s of versions) {
      const minor = s.version.split(".").slice(0, 2).join(".");
      if (!s.stable || seen.has(minor)) continue;
      seen.add(minor);
      out.push(s);
    }
    return out.slice(0, 2);
  };

  return {
    name: "go",
    origins: [REAL_SITE, REAL_DL],
    async handle(req) {
      if (req.path === "/go.dev/dl/" || req.path === "/go.dev/dl") {
        if (req.query.get("mode") !== "json") {
          return bytes("<!DOCTYPE html><title>All releases - The Go Programming Language</title>\n", "text/html; charset=utf-8");
        }
        const list = req.query.get("include") === "all" ? versions : current();
        return json(await Promise.all(list.map(release)));
      }
      const m = /^\/dl\.google\.com\/go\/go(.+)\.(linux|darwin)-(amd64|arm64)\.tar\.gz$/.exec(req.path);
      if (m && versions.some((s) => s.version === m[1])) return bytes(await archive(m[1]!, m[2] as GoOs, m[3] as GoArch), "application/x-gzip");
      const src = /^\/dl\.google\.com\/go\/go(.+)\.src\.tar\.gz$/.exec(req.path);
      if (src && versions.some((s) => s.version === src[1])) return bytes(await source(src[1]!), "application/x-gzip");
      return undefined;
    },
  };
}

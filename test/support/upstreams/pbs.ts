/**
 * astral-sh/python-build-standalone GitHub releases. Each release (tag YYYYMMDD) carries several
 * CPython versions, each as `cpython-{PY}+{TAG}-{triple}-install_only.tar.gz` plus the variants the
 * real releases have beside it (`_stripped`, `-freethreaded-`, full `.tar.zst` builds, `x86_64_v3`,
 * musl, Windows) and one `SHA256SUMS` (`<hex>  <name>` lines, the `+` literal) covering them all.
 *
 * The install_only tarball has the real layout: a top `python/` directory with `bin/python3` →
 * `python3.X`, `lib/python3.X/_sysconfigdata_*.py` and `config-3.X-{triple}/Makefile` naming the build
 * prefix `/install`, `lib/pkgconfig/python-3.X.pc`, `include/python3.X/Python.h`. `python3 --version`
 * prints `Python {PY}`; `python3 -c "…get_config_var('KEY')…"` prints that key from the installed
 * sysconfig data; `python3 -c "…sys.prefix…"` prints the install root.
 */
import { gzip, sha256hex, tarEntries, type Entry } from "../archives.js";
import { githubRepoUpstream, type GithubAssetSpec, type GithubRepoOptions } from "./github.js";
import { Lazy, shaLines, type Upstream } from "./types.js";

export const PBS_TRIPLES = ["x86_64-unknown-linux-gnu", "aarch64-unknown-linux-gnu", "x86_64-apple-darwin", "aarch64-apple-darwin"] as const;
export type PbsTriple = (typeof PBS_TRIPLES)[number];

export interface PbsReleaseSpec {
  /** YYYYMMDD */
  tag: string;
  /** CPython versions as PBS names them: "3.12.7", "3.14.0rc1". */
  pythons: readonly string[];
  /** Triples whose builds a version lacks in this release: `{ "3.13.1": ["aarch64-apple-darwin"] }`. */
  missing?: Readonly<Record<string, readonly PbsTriple[]>>;
  draft?: boolean;
  /** Default: the tag's day, 18:00 UTC. */
  publishedAt?: string;
  /**
   * The release's asset names as published (e.g. the real 20241016 list), instead of the generated
   * set: an install_only build of one of PBS_TRIPLES gets a real tree, every other name stand-in bytes.
   */
  names?: readonly string[];
  /**
   * SHA256SUMS rows to publish instead of the hash of the fake's bytes (asset name → sha256): the
   * real values of assets a test locks but never downloads.
   */
  sums?: Readonly<Record<string, string>>;
}

/**
 * A plausible history: 3.12.8/3.13.1 were rebuilt in 20241206, which lacks the arm64 mac build of
 * 3.13.1 (so darwin-arm64 must fall back to 20241205); 3.14.0rc1 exists for Linux only.
 */
export const PBS_RELEASES: readonly PbsReleaseSpec[] = [
  { tag: "20241016", pythons: ["3.12.7", "3.13.0"] },
  { tag: "20241205", pythons: ["3.12.8", "3.13.1"] },
  { tag: "20241206", pythons: ["3.12.8", "3.13.1"], missing: { "3.13.1": ["aarch64-apple-darwin"] } },
  {
    tag: "20250818",
    pythons: ["3.13.7", "3.14.0rc1"],
    missing: { "3.14.0rc1": ["x86_64-apple-darwin", "aarch64-apple-darwin"] },
  },
  { tag: "20260414", pythons: ["3.12.13", "3.14.0"] },
];

export type PbsUpstreamOptions = Pick<GithubRepoOptions, "pageSize" | "digests" | "redirectDownloads">;

/** "3.12.7" → "3.12"; "3.14.0rc1" → "3.14". */
export const pbsMinor = (py: string): string => py.split(".").slice(0, 2).join(".");

export const pbsInstallOnlyName = (py: string, tag: string, triple: string): string =>
  `cpython-${py}+${tag}-${triple}-install_only.tar.gz`;

const isDarwin = (triple: string) => triple.endsWith("apple-darwin");
const archOf = (triple: string) => triple.split("-")[0]!;

/** `_sysconfigdata__linux_x86_64-linux-gnu` / `_sysconfigdata__darwin_darwin`. */
export const pbsSysconfigName = (triple: string): string =>
  isDarwin(triple) ? "_sysconfigdata__darwin_darwin" : `_sysconfigdata__linux_${archOf(triple)}-linux-gnu`;

/** `config-3.12-x86_64-linux-gnu` / `config-3.12-darwin`. */
export const pbsConfigDir = (py: string, triple: string): string =>
  `config-${pbsMinor(py)}-${isDarwin(triple) ? "darwin" : `${archOf(triple)}-linux-gnu`}`;

/** The sysconfig data as PBS ships it: `/install` prefix, `/tools/deps` and `/build` paths from the build machine. */
export function pbsSysconfigData(py: string, triple: string): string {
  const mm = pbsMinor(py);
  const nodot = mm.replace(".", "");
  const darwin = isDarwin(triple);
  const multiarch = darwin ? "darwin" : `${archOf(triple)}-linux-gnu`;
  const soabi = `cpython-${nodot}-${multiarch}`;
  const rows: [string, string | number][] = [
    ["ABIFLAGS", ""],
    ["AR", darwin ? "/tools/clang-macos/bin/llvm-ar" : "/tools/clang-linux64/bin/llvm-ar"],
    ["BINDIR", "/install/bin"],
    ["BINLIBDEST", `/install/lib/python${mm}`],
    ["BLDLIBRARY", `-L. -lpython${mm}`],
    ["BLDSHARED", `clang -pthread -shared -L/tools/deps/lib -Wl,--exclude-libs,ALL`],
    ["CC", "clang -pthread"],
    ["CFLAGS", `-fno-strict-overflow -Wsign-compare -DNDEBUG -g -O3 -Wall -fPIC -I/tools/deps/include -I/tools/deps/include/ncursesw`],
    ["CONFIGURE_LDFLAGS", "-L/tools/deps/lib -Wl,--exclude-libs,ALL"],
    ["CONFIG_ARGS", `'--prefix=/install' '--with-openssl=/tools/deps' '--with-system-expat' 'CC=clang' 'LDFLAGS=-L/tools/deps/lib -Wl,--exclude-libs,ALL'`],
    ["CONFINCLUDEDIR", "/install/include"],
    ["CONFINCLUDEPY", `/install/include/python${mm}`],
    ["CXX", "clang++ -pthread"],
    ["DESTDIRS", `/install /install/lib /install/lib/python${mm} /install/lib/python${mm}/lib-dynload`],
    ["DESTSHARED", `/install/lib/python${mm}/lib-dynload`],
    ["EXT_SUFFIX", `.${soabi}.so`],
    ["INCLUDEDIR", "/install/include"],
    ["INCLUDEPY", `/install/include/python${mm}`],
    ["INSTALL", "/usr/bin/install -c"],
    ["INSTALL_DATA", "/usr/bin/install -c -m 644"],
    ["LDFLAGS", "-L/tools/deps/lib -Wl,--exclude-libs,ALL"],
    ["LDLIBRARY", darwin ? `libpython${mm}.dylib` : `libpython${mm}.so`],
    ["LDSHARED", `clang -pthread -shared -L/tools/deps/lib -Wl,--exclude-libs,ALL`],
    ["LIBDEST", `/install/lib/python${mm}`],
    ["LIBDIR", "/install/lib"],
    ["LIBPC", "/install/lib/pkgconfig"],
    ["LIBPL", `/install/lib/python${mm}/${pbsConfigDir(py, triple)}`],
    ["MACHDEP", darwin ? "darwin" : "linux"],
    ["MULTIARCH", multiarch],
    ["PY_LDFLAGS", "-L/tools/deps/lib -Wl,--exclude-libs,ALL"],
    ["PY_CORE_LDFLAGS", `-L/install/lib -L/tools/deps/lib`],
    ["Py_ENABLE_SHARED", 1],
    ["SOABI", soabi],
    ["VERSION", mm],
    ["abs_builddir", `/build/Python-${py}`],
    ["abs_srcdir", `/build/Python-${py}`],
    ["datarootdir", "/install/share"],
    ["exec_prefix", "/install"],
    ["prefix", "/install"],
    ["srcdir", `/build/Python-${py}`],
  ];
  const lit = (v: string | number) => (typeof v === "number" ? String(v) : v.includes("'") ? `"${v}"` : `'${v}'`);
  const body = rows.map(([k, v], i) => `${i === 0 ? "build_time_vars = {" : " "}'${k}': ${lit(v)}${i === rows.length - 1 ? "}" : ","}`);
  return [`# system configuration generated and used by the sysconfig module`, ...body, ""].join("\n");
}

export function pbsMakefile(py: string, triple: string): string {
  const mm = pbsMinor(py);
  return [
    "# Generated automatically from Makefile.pre by makesetup.",
    `VERSION=\t${mm}`,
    `srcdir=\t\t/build/Python-${py}`,
    "CC=\t\tclang -pthread",
    "INSTALL=\t/usr/bin/install -c",
    "CONFIGURE_LDFLAGS=\t-L/tools/deps/lib -Wl,--exclude-libs,ALL",
    "CONFIG_ARGS=\t '--prefix=/install' '--with-openssl=/tools/deps'",
    "prefix=\t\t/install",
    "exec_prefix=\t${prefix}",
    "LIBDIR=\t\t${exec_prefix}/lib",
    `LIBPL=\t\t$(prefix)/lib/python${mm}/${pbsConfigDir(py, triple)}`,
    "",
  ].join("\n");
}

export function pbsPkgConfig(py: string): string {
  const mm = pbsMinor(py);
  return [
    "# See: man pkg-config",
    "prefix=/install",
    "exec_prefix=${prefix}",
    "libdir=${exec_prefix}/lib",
    "includedir=${prefix}/include",
    "",
    "Name: Python",
    "Description: Build a C extension for Python",
    `Version: ${mm}`,
    "Libs.private: -ldl",
    "Libs:",
    `Cflags: -I\${includedir}/python${mm}`,
    "",
  ].join("\n");
}

const sh = (lines: string[]) => ["#!/bin/sh", ...lines, ""].join("\n");

/** The install_only tree (under `python/`). */
export function pbsTree(py: string, tag: string, triple: string): Entry[] {
  const mm = pbsMinor(py);
  const darwin = isDarwin(triple);
  const sysconfig = `lib/python${mm}/${pbsSysconfigName(triple)}.py`;
  const d = (path: string): Entry => ({ path: `python/${path}`, type: "dir" });
  const f = (path: string, content: string, mode = 0o644): Entry => ({ path: `python/${path}`, content, mode });
  const l = (path: string, linkname: string): Entry => ({ path: `python/${path}`, type: "symlink", linkname });
  const interpreter = sh([
    `# fake CPython ${py} (python-build-standalone ${tag}, ${triple}) for devenv tests`,
    `here=$(cd "$(dirname "$0")/.." && pwd)`,
    `case "$1" in`,
    `  --version|-V) echo "Python ${py}"; exit 0 ;;`,
    `  -c)`,
    `    key=$(printf '%s' "$2" | sed -n "s/.*get_config_var('\\([A-Za-z_]*\\)').*/\\1/p")`,
    `    if [ -n "$key" ]; then sed -n "s/^.*'$key': '\\(.*\\)'[,}]\\{0,1\\}$/\\1/p" "$here/${sysconfig}"; exit 0; fi`,
    `    case "$2" in *sys.prefix*) echo "$here"; exit 0 ;; esac ;;`,
    `esac`,
    `echo "fake python ${py}: unsupported arguments: $*" >&2`,
    `exit 2`,
  ]);
  const config = sh([
    "# Keep this script in sync with python-config.in",
    `prefix="/install"`,
    `exec_prefix="\${prefix}"`,
    `includedir="\${prefix}/include"`,
    `libdir="\${exec_prefix}/lib"`,
    `for opt in "$@"; do`,
    `  case "$opt" in`,
    `    --prefix) echo "$prefix" ;;`,
    `    --includes) echo "-I$includedir/python${mm} -I$includedir/python${mm}" ;;`,
    `    --ldflags) echo "-L$libdir -lpython${mm}" ;;`,
    `  esac`,
    `done`,
  ]);
  return [
    d(""),
    d("bin"),
    f(`bin/python${mm}`, interpreter, 0o755),
    l("bin/python3", `python${mm}`),
    l("bin/python", `python${mm}`),
    f(`bin/python${mm}-config`, config, 0o755),
    l("bin/python3-config", `python${mm}-config`),
    f(`bin/pip${mm}`, sh([`echo "pip 24.2 from fake (python ${mm})"`]), 0o755),
    l("bin/pip3", `pip${mm}`),
    d("include"),
    d(`include/python${mm}`),
    f(`include/python${mm}/Python.h`, `/* fake Python.h for CPython ${py} */\n#define PY_VERSION "${py}"\n`),
    d("lib"),
    ...(darwin
      ? [f(`lib/libpython${mm}.dylib`, `fake libpython ${py} ${triple}\n`)]
      : [f(`lib/libpython${mm}.so.1.0`, `fake libpython ${py} ${triple}\n`), l(`lib/libpython${mm}.so`, `libpython${mm}.so.1.0`)]),
    d("lib/pkgconfig"),
    f(`lib/pkgconfig/python-${mm}.pc`, pbsPkgConfig(py)),
    l("lib/pkgconfig/python3.pc", `python-${mm}.pc`),
    d(`lib/python${mm}`),
    f(`lib/python${mm}/os.py`, `# fake os module for CPython ${py}\n`),
    f(sysconfig, pbsSysconfigData(py, triple)),
    d(`lib/python${mm}/__pycache__`),
    f(`lib/python${mm}/__pycache__/${pbsSysconfigName(triple)}.cpython-${mm.replace(".", "")}.pyc`, `fake bytecode of the unpatched sysconfig data: '/install'\n`),
    f(`lib/python${mm}/__pycache__/os.cpython-${mm.replace(".", "")}.pyc`, `fake bytecode of os\n`),
    d(`lib/python${mm}/${pbsConfigDir(py, triple)}`),
    f(`lib/python${mm}/${pbsConfigDir(py, triple)}/Makefile`, pbsMakefile(py, triple)),
    d(`lib/python${mm}/lib-dynload`),
    d("share"),
    d("share/man"),
  ];
}

/** Every asset of a release, SHA256SUMS last. */
export function pbsAssets(spec: PbsReleaseSpec, lazy = new Lazy()): GithubAssetSpec[] {
  const tag = spec.tag;
  const assets: GithubAssetSpec[] = [];
  const junk = (name: string, contentType = "application/octet-stream"): GithubAssetSpec => ({
    name, contentType, build: () => Buffer.from(`fake ${name} (never downloaded by devenv)\n`),
  });
  const installOnly = /^cpython-(\d+\.\d+\.\d+(?:(?:a|b|rc)\d+)?)\+\d{8}-([a-z0-9_]+-[a-z]+-[a-z0-9]+(?:-[a-z]+)?)-install_only\.tar\.gz$/;
  for (const name of spec.names ?? []) {
    const m = installOnly.exec(name);
    const triple = m && (PBS_TRIPLES as readonly string[]).includes(m[2]!) ? m[2]! : undefined;
    assets.push(triple
      ? { name, contentType: "application/gzip", build: () => lazy.get(`${m![1]}/${triple}`, () => gzip(tarEntries(pbsTree(m![1]!, tag, triple)))) }
      : junk(name, name.endsWith(".tar.gz") ? "application/gzip" : "application/octet-stream"));
  }
  for (const py of spec.names ? [] : spec.pythons) {
    const missing = new Set<string>(spec.missing?.[py] ?? []);
    const ft = Number(py.split(".")[1]) >= 13; // free-threaded builds from 3.13 on
    for (const triple of PBS_TRIPLES) {
      if (missing.has(triple)) continue;
      const base = `cpython-${py}+${tag}-${triple}`;
      assets.push({
        name: pbsInstallOnlyName(py, tag, triple),
        contentType: "application/gzip",
        build: () => lazy.get(`${py}/${triple}`, () => gzip(tarEntries(pbsTree(py, tag, triple)))),
      });
      assets.push(junk(`${base}-install_only_stripped.tar.gz`, "application/gzip"));
      assets.push(junk(`${base}-pgo+lto-full.tar.zst`));
      assets.push(junk(`${base}-debug-full.tar.zst`));
      if (ft) {
        assets.push(junk(`${base}-freethreaded-install_only.tar.gz`, "application/gzip"));
        assets.push(junk(`${base}-freethreaded+pgo+lto-full.tar.zst`));
      }
    }
    assets.push(junk(`cpython-${py}+${tag}-x86_64_v3-unknown-linux-gnu-install_only.tar.gz`, "application/gzip"));
    assets.push(junk(`cpython-${py}+${tag}-x86_64-unknown-linux-musl-install_only.tar.gz`, "application/gzip"));
    assets.push(junk(`cpython-${py}+${tag}-x86_64-pc-windows-msvc-install_only.tar.gz`, "application/gzip"));
    if (ft) assets.push(junk(`cpython-${py}t+${tag}-x86_64-unknown-linux-gnu-freethreaded-install_only.tar.gz`, "application/gzip"));
  }
  assets.sort((a, b) => (a.name < b.name ? -1 : 1));
  const sums: GithubAssetSpec = {
    name: "SHA256SUMS",
    contentType: "text/plain",
    build: () => lazy.get("SHA256SUMS", async () => {
      const rows: [string, string][] = [];
      for (const a of assets) rows.push([spec.sums?.[a.name] ?? sha256hex(await a.build()), a.name]);
      return Buffer.from(shaLines(rows));
    }),
  };
  return [...assets, sums];
}

const publishedAt = (tag: string) => `${tag.slice(0, 4)}-${tag.slice(4, 6)}-${tag.slice(6, 8)}T18:00:00Z`;

/** The most releases per page the real releases list answers; above (and at the default 30) it times out. */
export const PBS_MAX_PER_PAGE = 10;

/** What GitHub's API sends when a request runs past its server-side time limit. */
export const PBS_TIMEOUT_BODY = `${JSON.stringify({
  message: "We couldn't respond to your request in time. Sorry about that. Please try resubmitting your request and contact us if the problem persists.",
  documentation_url: "https://docs.github.com/rest",
  status: "504",
})}\n`;

const LIST = /^\/api\.github\.com\/(?:repos\/astral-sh\/python-build-standalone|repositories\/162334160)\/releases\/?$/i;

/**
 * The releases list answers 504 after ~10 s at `per_page` above 10 or without `per_page` (default
 * 30), as the real one does (python-build-standalone PR #1083, rye PR #1475); the fake answers at once.
 */
export function pbsUpstream(specs: readonly PbsReleaseSpec[] = [], opts: PbsUpstreamOptions = {}): Upstream {
  const github = pbsGithub(specs, opts);
  return {
    ...github,
    handle(req, ctx) {
      if (LIST.test(req.path)) {
        const perPage = Number.parseInt(req.query.get("per_page") ?? "30", 10);
        if (!(perPage <= PBS_MAX_PER_PAGE)) {
          return { status: 504, body: PBS_TIMEOUT_BODY, contentType: "application/json; charset=utf-8", headers: { "x-github-request-id": "FAKE:504:PBS" } };
        }
      }
      return github.handle(req, ctx);
    },
  };
}

function pbsGithub(specs: readonly PbsReleaseSpec[], opts: PbsUpstreamOptions): Upstream {
  return githubRepoUpstream({
    ...opts,
    owner: "astral-sh",
    repo: "python-build-standalone",
    repoId: 162334160,
    releases: specs.map((s) => ({
      tag: s.tag,
      name: s.tag,
      draft: s.draft ?? false,
      publishedAt: s.publishedAt ?? publishedAt(s.tag),
      body: `Python builds for ${s.pythons.join(", ")} (fake release for devenv tests)`,
      assets: pbsAssets(s),
    })),
  });
}

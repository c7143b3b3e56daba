/**
 * static.rust-lang.org: channel manifests (`/dist/channel-rust-{1.82.0|1.82|stable}.toml`, manifest
 * version 2, sha256 inline) and the dist tarballs they name (`/dist/{date}/{file}` and the undated
 * `/dist/{file}`, .tar.xz and .tar.gz, each with a `.sha256` sidecar), in the real rust-installer
 * layout: `{pkg}-{V}-{triple}/` holding install.sh, components, rust-installer-version ("3"),
 * version, git-commit-hash and one directory per component with its manifest.in and payload.
 * Plus the rust-lang/rust GitHub releases (tags `1.82.0`, no assets) the recipe lists versions from.
 */
import type { Entry } from "../archives.js";
import { gzip, sha256hex, tarEntries, xz } from "../archives.js";
import { githubRepoUpstream, type GithubRepoOptions } from "./github.js";
import { bytes, Lazy, normalizeSpecs, versionDate, type Upstream, type VersionSpec } from "./types.js";

export interface RustVersionInfo {
  /** The manifest's `date` (the dated dist directory). */
  date: string;
  /** rustc's full commit hash (`git_commit_hash`). */
  commit: string;
  /** The commit date rustc --version prints. */
  commitDate: string;
  publishedAt: string;
  prerelease: boolean;
}
/** "1.82.0" (manifest + tarballs + GitHub release); a non-X.Y.Z name ("1.0.0-alpha.2", "0.1") is a GitHub release only. */
export type RustVersionSpec = VersionSpec<RustVersionInfo>;
export type RustUpstreamOptions = Pick<GithubRepoOptions, "pageSize" | "digests" | "redirectDownloads">;

const ORIGIN = "https://static.rust-lang.org";
const DIST = `${ORIGIN}/dist`;

/** Host triples whose rustc, cargo, clippy and rustfmt are served. */
export const RUST_HOSTS = ["aarch64-apple-darwin", "aarch64-unknown-linux-gnu", "x86_64-apple-darwin", "x86_64-unknown-linux-gnu"] as const;
/** Listed in the manifest (placeholder hashes) but not served. */
const UNSERVED_HOSTS = ["x86_64-pc-windows-msvc"];
/** rust-std targets marked `available = true` (all served). */
export const RUST_STD_TARGETS = [
  "aarch64-apple-darwin", "aarch64-unknown-linux-gnu", "riscv32imac-unknown-none-elf", "riscv64gc-unknown-linux-gnu",
  "thumbv7em-none-eabihf", "wasm32-unknown-unknown", "x86_64-apple-darwin", "x86_64-pc-windows-msvc",
  "x86_64-unknown-linux-gnu", "x86_64-unknown-linux-musl",
] as const;
/** A rust-std target listed with `available = false` (demoted to tier 3 in 1.72). */
export const RUST_STD_UNAVAILABLE = "mips-unknown-linux-gnu";
/** Targets without std (core and alloc only). */
const NO_STD = (t: string) => t.includes("-none-") || t === "wasm32-unknown-unknown";

/** Real values for 1.82.0 (`rustc 1.82.0 (f6e511eec 2024-10-15)`, manifest date 2024-10-17); others are derived. */
const KNOWN: Record<string, Partial<RustVersionInfo> & { cargo?: string }> = {
  "1.82.0": { date: "2024-10-17", commit: "f6e511eec7342f59a25f7c0534f1dbea00d01b14", commitDate: "2024-10-15", cargo: "8f40fc59f 2024-08-21" },
};

interface RustVersion extends RustVersionInfo {
  version: string;
  /** The `(short-hash date)` cargo --version prints. */
  cargo: string;
}

const isRelease = (v: string) => /^\d+\.\d+\.\d+$/.test(v);

function complete(s: { version: string } & Partial<RustVersionInfo>): RustVersion {
  const v = s.version;
  const known = KNOWN[v] ?? {};
  const date = s.date ?? known.date ?? versionDate(v, Date.UTC(2010, 0, 1));
  const commit = s.commit ?? known.commit ?? sha256hex(`rustc ${v}`).slice(0, 40);
  const commitDate = s.commitDate ?? known.commitDate ?? date;
  return {
    version: v,
    date,
    commit,
    commitDate,
    publishedAt: s.publishedAt ?? `${date}T15:00:00Z`,
    prerelease: s.prerelease ?? v.includes("-"),
    cargo: known.cargo ?? `${sha256hex(`cargo ${v}`).slice(0, 9)} ${commitDate}`,
  };
}

/** rustc's version string as the `version` file and the manifest carry it: `1.82.0 (f6e511eec 2024-10-15)`. */
export const rustVersionString = (r: { version: string; commit: string; commitDate: string }) =>
  `${r.version} (${r.commit.slice(0, 9)} ${r.commitDate})`;

/** Packages served per host, by manifest name; the tarball drops `-preview` (clippy-preview → clippy-1.82.0-…). */
const HOST_PKGS = ["rustc", "cargo", "clippy-preview", "rustfmt-preview"] as const;
type Pkg = (typeof HOST_PKGS)[number] | "rust-std" | "rust-src";

const fileBase = (pkg: string) => pkg.replace(/-preview$/, "");

/** `rustc-1.82.0-x86_64-unknown-linux-gnu.tar.xz`; rust-src (target "*") has no triple. */
export function rustDistFile(pkg: string, version: string, triple: string, ext: "tar.xz" | "tar.gz" = "tar.xz"): string {
  return triple === "*" ? `${fileBase(pkg)}-${version}.${ext}` : `${fileBase(pkg)}-${version}-${triple}.${ext}`;
}

const sh = (lines: string[]) => `#!/bin/sh\n${lines.join("\n")}\n`;

/** The payload of a component: paths relative to the install prefix. */
function payload(pkg: Pkg, r: RustVersion, triple: string): Entry[] {
  const v = r.version;
  const h = sha256hex(`${pkg} ${v} ${triple}`).slice(0, 16);
  const exe = (path: string, content: string): Entry => ({ path, mode: 0o755, content });
  const file = (path: string, content: string): Entry => ({ path, mode: 0o644, content });
  const tag = `# fake ${pkg} ${v} (${triple}) for devenv tests`;
  switch (pkg) {
    case "rustc": {
      const dylib = triple.includes("apple") ? "dylib" : "so";
      return [
        exe("bin/rustc", sh([
          tag,
          'sysroot=$(cd "$(dirname "$0")/.." && pwd)',
          'case "$1" in',
          `  --version|-V) echo "rustc ${rustVersionString(r)}" ;;`,
          `  -vV) printf 'rustc %s\\nbinary: rustc\\ncommit-hash: %s\\ncommit-date: %s\\nhost: %s\\nrelease: %s\\n' "${rustVersionString(r)}" "${r.commit}" "${r.commitDate}" "${triple}" "${v}" ;;`,
          '  --print) case "$2" in sysroot) echo "$sysroot" ;; *) echo "error: unknown print request: \\`$2\\`" >&2; exit 1 ;; esac ;;',
          '  *) echo "error: no input filename given" >&2; exit 1 ;;',
          "esac",
        ])),
        exe("bin/rustdoc", sh([tag, `echo "rustdoc ${rustVersionString(r)}"`])),
        file(`lib/librustc_driver-${h}.${dylib}`, `fake librustc_driver ${v} ${triple}\n`),
        exe(`lib/rustlib/${triple}/bin/rust-lld`, sh([tag, 'echo "LLD 19.1.1 (compatible with GNU linkers)"'])),
        file("share/man/man1/rustc.1", `.TH RUSTC "1" "${r.date}" "rustc ${v}" "User Commands"\n`),
        file("share/doc/rust/README.md", `# Rust ${v} (fake)\n`),
      ];
    }
    case "cargo":
      return [
        exe("bin/cargo", sh([
          tag,
          'case "$1" in',
          `  --version|-V) echo "cargo ${v} (${r.cargo})" ;;`,
          '  *) echo "error: no such command: \\`$1\\`" >&2; exit 101 ;;',
          "esac",
        ])),
        file("etc/bash_completion.d/cargo", "# fake cargo completion\n"),
        file("share/man/man1/cargo.1", `.TH CARGO "1"\n`),
        file("share/doc/cargo/README.md", `# Cargo ${v} (fake)\n`),
      ];
    case "clippy-preview":
      return [
        exe("bin/cargo-clippy", sh([tag, `echo "clippy 0.1.${v.split(".")[1]} (${r.commit.slice(0, 9)} ${r.commitDate})"`])),
        exe("bin/clippy-driver", sh([tag, `echo "clippy 0.1.${v.split(".")[1]} (${r.commit.slice(0, 9)} ${r.commitDate})"`])),
        file("share/doc/clippy/README.md", "# Clippy (fake)\n"),
      ];
    case "rustfmt-preview":
      return [
        exe("bin/rustfmt", sh([tag, `echo "rustfmt 1.8.0-stable (${r.commit.slice(0, 9)} ${r.commitDate})"`])),
        exe("bin/cargo-fmt", sh([tag, `echo "rustfmt 1.8.0-stable (${r.commit.slice(0, 9)} ${r.commitDate})"`])),
        file("share/doc/rustfmt/README.md", "# rustfmt (fake)\n"),
      ];
    case "rust-std": {
      const lib = `lib/rustlib/${triple}/lib`;
      const crates = NO_STD(triple) ? ["core", "alloc", "compiler_builtins"] : ["core", "alloc", "compiler_builtins", "std", "proc_macro"];
      return crates.map((c) => file(`${lib}/lib${c}-${h}.rlib`, `!<arch>\nfake ${c} rlib for ${triple} (rust ${v})\n`));
    }
    case "rust-src":
      return [
        file("lib/rustlib/src/rust/library/core/src/lib.rs", `//! fake libcore source (rust ${v})\n`),
        file("lib/rustlib/src/rust/library/std/src/lib.rs", `//! fake libstd source (rust ${v})\n`),
        file("lib/rustlib/src/rust/Cargo.lock", "# fake\n"),
      ];
  }
}

/**
 * A whole dist tarball's entries: `{file base}-{V}-{triple}/` with the installer files and one
 * component directory. The component is named like the manifest package, with the target for
 * rust-std (`rust-std-riscv64gc-unknown-linux-gnu`). rust-src's manifest.in lists its tree as
 * one bulk `dir:` entry (as rust-installer's --bulk-dirs makes it); everything else per `file:`.
 */
export function rustPackageEntries(pkg: Pkg, r: RustVersion | { version: string } & Partial<RustVersionInfo>, triple: string): Entry[] {
  const rv = "cargo" in r ? (r as RustVersion) : complete(r);
  const top = rustDistFile(pkg, rv.version, triple).replace(/\.tar\.xz$/, "");
  const component = pkg === "rust-std" ? `rust-std-${triple}` : pkg;
  const files = payload(pkg, rv, triple);
  const manifest = pkg === "rust-src" ? "dir:lib/rustlib/src/rust\n" : files.map((f) => `file:${f.path}\n`).sort().join("");
  const dirs = new Set<string>();
  for (const f of files) {
    const parts = f.path.split("/");
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join("/"));
  }
  return [
    { path: top, type: "dir" },
    { path: `${top}/install.sh`, mode: 0o755, content: sh(["# fake rust-installer install.sh (devenv tests): devenv never runs it", "exit 1"]) },
    { path: `${top}/components`, content: `${component}\n` },
    { path: `${top}/rust-installer-version`, content: "3\n" },
    { path: `${top}/version`, content: `${rustVersionString(rv)}\n` },
    { path: `${top}/git-commit-hash`, content: `${rv.commit}\n` },
    { path: `${top}/${component}`, type: "dir" },
    { path: `${top}/${component}/manifest.in`, content: manifest },
    ...[...dirs].sort().map((d): Entry => ({ path: `${top}/${component}/${d}`, type: "dir" })),
    ...files.map((f) => ({ ...f, path: `${top}/${component}/${f.path}` })),
  ];
}

export function rustUpstream(specs: readonly RustVersionSpec[] = [], opts: RustUpstreamOptions = {}): Upstream {
  const all = normalizeSpecs<RustVersionInfo>(specs).map(complete);
  const releases = all.filter((r) => isRelease(r.version));
  const lazy = new Lazy();

  /** Every (pkg, triple) served for a version. */
  const served: [Pkg, string][] = [
    ...HOST_PKGS.flatMap((p) => RUST_HOSTS.map((h): [Pkg, string] => [p, h])),
    ...RUST_STD_TARGETS.map((t): [Pkg, string] => ["rust-std", t]),
    ["rust-src", "*"],
  ];
  const tar = (r: RustVersion, pkg: Pkg, triple: string) => lazy.get(`${r.version}/${pkg}/${triple}/tar`, () => tarEntries(rustPackageEntries(pkg, r, triple)));
  const archive = (r: RustVersion, pkg: Pkg, triple: string, ext: "tar.xz" | "tar.gz"): Promise<Buffer> =>
    lazy.get(`${r.version}/${pkg}/${triple}/${ext}`, async () => (ext === "tar.gz" ? gzip(await tar(r, pkg, triple)) : xz(await tar(r, pkg, triple), 1)));

  /** The manifest text, with real key order and table shapes. */
  const manifest = (r: RustVersion) => lazy.get(`${r.version}/manifest`, async () => {
    const v = r.version;
    const out: string[] = ['manifest-version = "2"', `date = "${r.date}"`];
    const url = (pkg: string, triple: string, ext: "tar.xz" | "tar.gz") => `${DIST}/${r.date}/${rustDistFile(pkg, v, triple, ext)}`;
    const target = async (pkg: Pkg | "rust", triple: string, serve: boolean) => {
      const key = triple === "*" ? '"*"' : triple;
      out.push("", `[pkg.${pkg}.target.${key}]`, "available = true");
      const gz = serve ? sha256hex(await archive(r, pkg as Pkg, triple, "tar.gz")) : sha256hex(`unserved ${pkg} ${v} ${triple} gz`);
      const x = serve ? sha256hex(await archive(r, pkg as Pkg, triple, "tar.xz")) : sha256hex(`unserved ${pkg} ${v} ${triple} xz`);
      out.push(`url = "${url(pkg, triple, "tar.gz")}"`, `hash = "${gz}"`, `xz_url = "${url(pkg, triple, "tar.xz")}"`, `xz_hash = "${x}"`);
    };
    const header = (pkg: string, version: string, commit: string) =>
      out.push("", `[pkg.${pkg}]`, `version = "${version}"`, `git_commit_hash = "${commit}"`);

    header("cargo", `${v} (${r.cargo})`, sha256hex(`cargo commit ${v}`).slice(0, 40));
    for (const h of [...RUST_HOSTS, ...UNSERVED_HOSTS].sort()) await target("cargo", h, !UNSERVED_HOSTS.includes(h));
    header("clippy-preview", `0.1.${v.split(".")[1]} (${r.commit.slice(0, 9)} ${r.commitDate})`, r.commit);
    for (const h of RUST_HOSTS) await target("clippy-preview", h, true);

    header("rust", rustVersionString(r), r.commit);
    for (const h of [...RUST_HOSTS, ...UNSERVED_HOSTS].sort()) {
      await target("rust", h, false);
      for (const c of ["rustc", "cargo", "rust-std"]) out.push("", `[[pkg.rust.target.${h}.components]]`, `pkg = "${c}"`, `target = "${h}"`);
      for (const t of RUST_STD_TARGETS.filter((t) => t !== h)) out.push("", `[[pkg.rust.target.${h}.extensions]]`, 'pkg = "rust-std"', `target = "${t}"`);
      out.push("", `[[pkg.rust.target.${h}.extensions]]`, 'pkg = "rust-src"', 'target = "*"');
    }

    header("rust-src", rustVersionString(r), r.commit);
    await target("rust-src", "*", true);

    header("rust-std", rustVersionString(r), r.commit);
    const std = [...RUST_STD_TARGETS, RUST_STD_UNAVAILABLE].sort();
    for (const t of std) {
      if (t === RUST_STD_UNAVAILABLE) out.push("", `[pkg.rust-std.target.${t}]`, "available = false");
      else await target("rust-std", t, true);
    }

    header("rustc", rustVersionString(r), r.commit);
    for (const h of [...RUST_HOSTS, ...UNSERVED_HOSTS].sort()) await target("rustc", h, !UNSERVED_HOSTS.includes(h));
    header("rustfmt-preview", `1.8.0-stable (${r.commit.slice(0, 9)} ${r.commitDate})`, r.commit);
    for (const h of RUST_HOSTS) await target("rustfmt-preview", h, true);

    out.push("", "[renames.clippy]", 'to = "clippy-preview"', "", "[renames.rustfmt]", 'to = "rustfmt-preview"');
    out.push(
      "", "[profiles]",
      'minimal = ["rustc", "cargo", "rust-std", "rust-mingw"]',
      'default = ["rustc", "cargo", "rust-std", "rust-mingw", "rust-docs", "rustfmt-preview", "clippy-preview"]',
      'complete = ["rustc", "cargo", "rust-std", "rust-mingw", "rust-docs", "rustfmt-preview", "clippy-preview", "rust-src"]',
    );
    return `${out.join("\n")}\n`;
  });

  const newest = (list: RustVersion[]) =>
    [...list].sort((a, b) => {
      const x = a.version.split(".").map(Number);
      const y = b.version.split(".").map(Number);
      return (y[0]! - x[0]!) || (y[1]! - x[1]!) || (y[2]! - x[2]!);
    })[0];

  const channel = (name: string): RustVersion | undefined => {
    if (name === "stable") return newest(releases);
    if (/^\d+\.\d+$/.test(name)) return newest(releases.filter((r) => r.version.startsWith(`${name}.`)));
    return releases.find((r) => r.version === name);
  };

  /** `{file}` → the served tarball it names, for version `r`. */
  const lookup = (r: RustVersion, file: string): { pkg: Pkg; triple: string; ext: "tar.xz" | "tar.gz" } | undefined => {
    for (const [pkg, triple] of served) {
      for (const ext of ["tar.xz", "tar.gz"] as const) if (rustDistFile(pkg, r.version, triple, ext) === file) return { pkg, triple, ext };
    }
    return undefined;
  };

  const github = githubRepoUpstream({
    ...opts,
    owner: "rust-lang",
    repo: "rust",
    repoId: 724712,
    releases: all.map((r) => ({ tag: r.version, name: `Rust ${r.version}`, prerelease: r.prerelease, publishedAt: r.publishedAt, assets: [] })),
  });

  return {
    name: "rust",
    origins: [ORIGIN, ...github.origins],
    async handle(req, ctx) {
      const m = /^\/static\.rust-lang\.org\/dist\/(?:(\d{4}-\d{2}-\d{2})\/)?([^/]+?)(\.sha256)?$/.exec(req.path);
      if (!m) return github.handle(req, ctx);
      const [, date, file, sidecar] = m;
      const send = (body: Buffer | string, type: string) =>
        sidecar ? bytes(`${sha256hex(body)}  ${file}\n`, "text/plain; charset=utf-8") : bytes(body, type);
      const ch = /^channel-rust-(.+)\.toml$/.exec(file!);
      if (ch) {
        const r = channel(ch[1]!);
        if (!r || (date && date !== r.date)) return undefined;
        return send(await manifest(r), "application/toml");
      }
      for (const r of releases) {
        if (date && date !== r.date) continue;
        const hit = lookup(r, file!);
        if (hit) return send(await archive(r, hit.pkg, hit.triple, hit.ext), hit.ext === "tar.xz" ? "application/x-xz" : "application/x-gzip");
      }
      return undefined;
    },
  };
}

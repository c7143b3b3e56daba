import semver from "semver";
import { parse } from "smol-toml";
import { DevenvError } from "../src/errors.js";
import { isSha256 } from "../src/recipes/checksums.js";
import { githubReleases } from "../src/recipes/sources/github.js";
import { defineRecipe, type Artifact, type RecipeArtifact, type HashedPart, type InstallTree, type LockedFieldProblem, type PlatformKey, type ToolOptions } from "../src/recipes/types.js";

/**
 * Rust without rustup: rustc, cargo and rust-std (the host's and one per extra target) from the
 * channel manifest of the exact version (`channel-rust-1.82.0.toml`, sha256 inline), unpacked side
 * by side and merged into one tree the way the tarballs' install.sh would (UPSTREAMS.md §4).
 */
const REPO = "rust-lang/rust";
const DIST = "https://static.rust-lang.org/dist";

export const manifestUrl = (version: string) => `${DIST}/channel-rust-${version}.toml`;

const HOSTS: Record<PlatformKey, string> = {
  "linux-x64": "x86_64-unknown-linux-gnu",
  "linux-arm64": "aarch64-unknown-linux-gnu",
  "darwin-x64": "x86_64-apple-darwin",
  "darwin-arm64": "aarch64-apple-darwin",
};

/** The host triple of a platform; UNSUPPORTED_PLATFORM for anything else. */
export function rustHost(platform: PlatformKey): string {
  const host = (HOSTS as Record<string, string | undefined>)[platform];
  if (!host) {
    throw new DevenvError("UNSUPPORTED_PLATFORM", `rust: no host toolchain for platform '${platform}'`, {
      hint: `rust is available for: ${Object.keys(HOSTS).join(", ")}.`,
    });
  }
  return host;
}

/**
 * Optional components (`components: ["clippy"]`), by the name rustup uses. The manifest may list
 * them under another package name (`[renames] clippy → clippy-preview`); rust-src is target "*".
 */
export const RUST_COMPONENTS = ["clippy", "llvm-tools", "rust-analyzer", "rust-src", "rustfmt"] as const;

/** Package names whose tarballs are per host (`{pkg}-{V}-{host}.tar.xz`). */
const HOST_PKGS = new Set(["rustc", "cargo", "clippy", "rustfmt", "llvm-tools", "rust-analyzer",
  "clippy-preview", "rustfmt-preview", "llvm-tools-preview", "rust-analyzer-preview"]);

/**
 * A syntactic sanity check only, so no devenv.ts or devenv.lock value reaches a URL, a part name or a
 * store path unchecked: lowercase letters, digits, `_` and `.` in 2 to 5 `-`-separated fields, no `..`.
 * Whether rust has the target is the channel manifest's decision (`thumbv8m.main-none-eabihf` is
 * one of its rust-std targets; a pattern of "triples" refused it).
 */
const TARGET = /^[a-z0-9][a-z0-9_.]*(?:-[a-z0-9_.]+){1,4}$/;
export const isTargetName = (t: string): boolean => t.length <= 64 && TARGET.test(t) && !t.includes("..");

/** Where each part is unpacked before assembly: `_parts/<name>/`. */
const PARTS = "_parts";

/** `targets` and `components` from devenv.ts, checked, deduplicated and sorted (the lock must not depend on their order). */
export function rustOptions(options: ToolOptions): { targets: string[]; components: string[] } {
  const list = (key: "targets" | "components"): string[] => {
    const v = options[key];
    if (v === undefined) return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) {
      throw new DevenvError("CONFIG_SCHEMA", `tools.rust.${key}: expected an array of strings, got ${JSON.stringify(v)}`, {
        hint: key === "targets"
          ? 'Write e.g. targets: ["riscv64gc-unknown-linux-gnu", "wasm32-unknown-unknown"].'
          : `Write e.g. components: ["clippy", "rustfmt"] (known: ${RUST_COMPONENTS.join(", ")}).`,
      });
    }
    return [...new Set(v as string[])].sort();
  };
  const targets = list("targets");
  const badTarget = targets.find((t) => !isTargetName(t));
  if (badTarget !== undefined) {
    throw new DevenvError("CONFIG_SCHEMA", `tools.rust.targets: ${JSON.stringify(badTarget)} is not a target name (lowercase letters, digits, '_' and '.', in 2 to 5 fields separated by '-'; at most 64 characters)`, {
      hint: "Targets are rustc target names such as riscv64gc-unknown-linux-gnu or thumbv8m.main-none-eabihf ('rustc --print target-list'); the version's channel manifest decides which have a standard library.",
    });
  }
  const components = list("components");
  const badComponent = components.find((c) => !(RUST_COMPONENTS as readonly string[]).includes(c));
  if (badComponent !== undefined) {
    throw new DevenvError("CONFIG_SCHEMA", `tools.rust.components: unknown component '${badComponent}'`, {
      hint: `Known components: ${RUST_COMPONENTS.join(", ")} (rustc, cargo and rust-std are always installed).`,
    });
  }
  return { targets, components };
}

// ---------------------------------------------------------------- channel manifest

interface TargetEntry { available?: boolean; url?: string; hash?: string; xz_url?: string; xz_hash?: string }
interface PkgEntry { version?: string; git_commit_hash?: string; target?: Record<string, TargetEntry> }
interface ChannelManifest {
  "manifest-version"?: string;
  date?: string;
  pkg?: Record<string, PkgEntry>;
  renames?: Record<string, { to?: string }>;
}

async function fetchManifest(http: { text(url: string): Promise<string> }, version: string): Promise<ChannelManifest> {
  const url = manifestUrl(version);
  const text = await http.text(url);
  let m: ChannelManifest;
  try {
    m = parse(text) as ChannelManifest;
  } catch (e) {
    throw new DevenvError("HTTP", `rust ${version}: the channel manifest ${url} is not valid TOML`, { cause: e, hint: "Try again later; if it persists, the download was altered on the way." });
  }
  if (m["manifest-version"] !== "2" || typeof m.pkg !== "object" || m.pkg === null) {
    throw new DevenvError("HTTP", `rust ${version}: ${url} is not a version 2 channel manifest (manifest-version ${JSON.stringify(m["manifest-version"])})`);
  }
  return m;
}

/** The manifest's package for a rustup component name, following `[renames]`. */
function pkgFor(m: ChannelManifest, name: string): { pkg: string; entry: PkgEntry } | undefined {
  for (const pkg of [name, m.renames?.[name]?.to]) {
    if (pkg && m.pkg?.[pkg]) return { pkg, entry: m.pkg[pkg]! };
  }
  return undefined;
}

const availableTargets = (entry: PkgEntry | undefined): string[] =>
  Object.entries(entry?.target ?? {}).filter(([, t]) => t.available === true).map(([k]) => k).sort();

/** One tarball of the manifest: the xz one if listed, else the gzip one; its sha256 from the manifest. */
function tarball(version: string, platform: PlatformKey, what: string, t: TargetEntry): { url: string; sha256: string; checksum: "checksum-file"; format: "tar.xz" | "tar.gz" } {
  const pick = t.xz_url && t.xz_hash ? { url: t.xz_url, sha256: t.xz_hash, checksum: "checksum-file" as const, format: "tar.xz" as const }
    : t.url && t.hash ? { url: t.url, sha256: t.hash, checksum: "checksum-file" as const, format: "tar.gz" as const } : undefined;
  if (!pick) throw new DevenvError("CHECKSUM_MISSING", `rust ${version}: the channel manifest lists no url and hash for ${what}`);
  if (!isSha256(pick.sha256)) throw new DevenvError("CHECKSUM_MISSING", `rust ${version}: the channel manifest's hash for ${what} is not a sha256 (${pick.sha256})`);
  if (!rustAcceptsUrl(version, platform, pick.url)) {
    throw new DevenvError("HTTP", `rust ${version}: the channel manifest points ${what} to an unexpected URL (${pick.url})`, {
      hint: `Expected a ${version} tarball under ${DIST}/; devenv.lock would refuse it.`,
    });
  }
  return pick;
}

/** The parts of a rust artifact, in order, as `rustArtifact` makes them: each unpacked into `_parts/<name>`. */
export function rustPartNames(platform: PlatformKey, options: ToolOptions): string[] {
  const host = rustHost(platform);
  const { targets, components } = rustOptions(options);
  return ["cargo", `rust-std-${host}`, ...targets.filter((t) => t !== host).map((t) => `rust-std-${t}`), ...components];
}

/** The lock check beyond URLs: the parts these targets and components give, where rustArtifact puts them. */
export function rustCheckLocked(platform: PlatformKey, a: Artifact, options: ToolOptions): LockedFieldProblem | undefined {
  if (a.strip !== 1) return { field: "strip", problem: `${JSON.stringify(a.strip)} is not rustc's strip (1)` };
  const names = rustPartNames(platform, options);
  const parts = a.parts ?? [];
  if (parts.length !== names.length) {
    return { field: "parts", problem: `${parts.length} parts, but rust with these targets and components has ${names.length} (${names.join(", ")})` };
  }
  for (const [i, p] of parts.entries()) {
    const name = names[i]!;
    if (p.name !== name) return { field: `parts.${i}.name`, problem: `${JSON.stringify(p.name)} is not the part expected there (${name})` };
    if (p.dir !== `${PARTS}/${name}`) return { field: `parts.${i}.dir`, problem: `${JSON.stringify(p.dir)} is not where ${name} is unpacked (${PARTS}/${name})` };
    if (p.strip !== 1) return { field: `parts.${i}.strip`, problem: `${JSON.stringify(p.strip)} is not a rust-installer tarball's strip (1)` };
  }
  return undefined;
}

/** Edit distance, for "did you mean" lists. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

/**
 * Manifest targets near a name it lacks: a few edits away (`thumbv8m.main-none-eabhf`), or of the
 * same architecture family (the leading letters: riscv32imac-… for riscv64-…); closest first, at most 8.
 */
export function nearTargets(target: string, have: readonly string[]): string[] {
  const family = /^[a-z]+/.exec(target)?.[0] ?? target;
  return have
    .map((h) => ({ h, d: distance(target, h) }))
    .filter((x) => x.d <= 4 || x.h.startsWith(family))
    .sort((a, b) => a.d - b.d || a.h.localeCompare(b.h))
    .slice(0, 8)
    .map((x) => x.h);
}

const shorten = (names: string[], max = 40) =>
  names.length > max ? `${names.slice(0, max).join(", ")} … (${names.length - max} more)` : names.join(", ");

export async function rustArtifact(http: { text(url: string): Promise<string> }, version: string, platform: PlatformKey, options: ToolOptions): Promise<RecipeArtifact> {
  const host = rustHost(platform);
  const { targets, components } = rustOptions(options);
  const m = await fetchManifest(http, version);

  const hostFile = (name: string, what = name) => {
    const found = pkgFor(m, name);
    const t = found?.entry.target?.[host];
    if (!found || !t || t.available !== true) {
      throw new DevenvError("UNSUPPORTED_PLATFORM", `rust ${version} has no ${what} for ${host} (${platform}) in its channel manifest`, {
        hint: `Pick another version ('devenv versions rust') or drop ${platform} from the lock.`,
      });
    }
    return tarball(version, platform, `${what} (${host})`, t);
  };

  const rustc = hostFile("rustc");
  const part = (name: string, f: ReturnType<typeof tarball>): HashedPart => ({ name, ...f, strip: 1, dir: `${PARTS}/${name}` });
  const parts: HashedPart[] = [part("cargo", hostFile("cargo")), part(`rust-std-${host}`, hostFile("rust-std", `rust-std`))];

  const std = pkgFor(m, "rust-std")!.entry;
  for (const target of targets.filter((t) => t !== host)) {
    const t = std.target?.[target];
    if (!t || t.available !== true) {
      const have = availableTargets(std);
      const near = nearTargets(target, have);
      throw new DevenvError("UNSUPPORTED_TARGET", `tools.rust.targets: rust ${version} has no standard library for '${target}'${t ? " (the channel manifest marks it unavailable)" : ""}`, {
        hint: `${near.length && have.length > near.length ? `Near names in its channel manifest: ${near.join(", ")}. ` : ""}Targets with a rust-std in ${version}: ${shorten(have)}.`,
      });
    }
    parts.push(part(`rust-std-${target}`, tarball(version, platform, `rust-std (${target})`, t)));
  }

  for (const name of components) {
    const found = pkgFor(m, name);
    const t = found?.entry.target?.[name === "rust-src" ? "*" : host];
    if (!found || !t || t.available !== true) {
      throw new DevenvError("UNSUPPORTED_TARGET", `tools.rust.components: rust ${version} has no ${name} for ${host}`, {
        hint: `Drop ${name} from components or pick another version ('devenv versions rust').`,
      });
    }
    parts.push(part(name, tarball(version, platform, `${name} (${host})`, t)));
  }

  return {
    ...rustc,
    strip: 1,
    ...(platform.startsWith("linux") ? { requires: { glibc: "2.17" } } : {}),
    parts,
  };
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A tarball of `version` under static.rust-lang.org/dist/ (dated or not): its package and triple. */
function distFile(version: string, url: string): { pkg: string; triple?: string } | undefined {
  const m = new RegExp(`^${esc(DIST)}/(?:\\d{4}-\\d{2}-\\d{2}/)?([a-z][a-z-]*?)-${esc(version)}(?:-([a-z0-9_.-]+))?\\.tar\\.(?:xz|gz)$`).exec(url);
  if (!m) return undefined;
  return { pkg: m[1]!, ...(m[2] ? { triple: m[2] } : {}) };
}

/**
 * The lock check, for the main URL and every part: a rustc, cargo or component tarball of this
 * version for this platform's host, a rust-std of this version for any target, or rust-src.
 */
export function rustAcceptsUrl(version: string, platform: PlatformKey, url: string): boolean {
  const host = (HOSTS as Record<string, string | undefined>)[platform];
  const f = distFile(version, url);
  if (!host || !f) return false;
  if (f.pkg === "rust-std") return f.triple !== undefined && isTargetName(f.triple);
  if (f.pkg === "rust-src") return f.triple === undefined;
  return HOST_PKGS.has(f.pkg) && f.triple === host;
}

// ---------------------------------------------------------------- assembly

const INSTALLER_FILES = ["install.sh", "components", "rust-installer-version", "version", "git-commit-hash"];

const archiveError = (where: string, what: string) =>
  new DevenvError("ARCHIVE", `rust: ${where}: ${what}`, { hint: "The download is not a rust-installer tarball as expected; try again or report it." });

/** A relative path that stays inside the tree (no absolute path, no `..`, no empty component). */
function safeRel(rel: string): boolean {
  return rel !== "" && !rel.startsWith("/") && rel.split("/").every((c) => c !== "" && c !== "." && c !== "..");
}

const join = (base: string, rel: string) => (base ? `${base}/${rel}` : rel);

const safeList = (tree: InstallTree, rel: string): string[] => {
  try {
    return tree.list(rel);
  } catch {
    return [];
  }
};

/**
 * Put `from` at `to`. A missing target is a plain move; an existing directory is merged entry by
 * entry; an existing file is replaced (the later package wins, as with install.sh). An empty
 * source (an empty directory, or a file `list` shows no entries for) never replaces a non-empty
 * directory.
 */
function place(tree: InstallTree, from: string, to: string): void {
  if (!tree.exists(to)) return tree.move(from, to);
  const kids = safeList(tree, from);
  if (kids.length === 0) {
    if (safeList(tree, to).length > 0) return tree.remove(from);
    tree.remove(to);
    return tree.move(from, to);
  }
  if (safeList(tree, to).length === 0) {
    // A directory onto a file or an empty directory: the directory wins.
    tree.remove(to);
    return tree.move(from, to);
  }
  for (const k of kids) place(tree, `${from}/${k}`, `${to}/${k}`);
  tree.remove(from);
}

/** Install one rust-installer package unpacked at `base` ("" = the root) into the root; returns its components. */
function installPackage(tree: InstallTree, base: string): string[] {
  const where = base || "the rustc tarball";
  const versionFile = join(base, "rust-installer-version");
  if (!tree.exists(versionFile)) throw archiveError(where, "no rust-installer-version file");
  const installerVersion = tree.read(versionFile).trim();
  if (installerVersion !== "3") throw archiveError(where, `rust-installer-version is '${installerVersion}', only 3 is understood`);
  if (!tree.exists(join(base, "components"))) throw archiveError(where, "no components file");
  const components = tree.read(join(base, "components")).split("\n").map((l) => l.trim()).filter(Boolean);
  if (!components.length) throw archiveError(where, "the components file is empty");
  for (const comp of components) {
    if (!safeRel(comp) || comp.includes("/") || INSTALLER_FILES.includes(comp)) throw archiveError(where, `bad component name '${comp}'`);
    const manifest = join(base, `${comp}/manifest.in`);
    if (!tree.exists(manifest)) throw archiveError(where, `component ${comp} has no manifest.in`);
    for (const raw of tree.read(manifest).split("\n")) {
      const line = raw.trim();
      if (!line) continue;
      const m = /^(file|dir):(.+)$/.exec(line);
      if (!m) throw archiveError(`${comp}/manifest.in`, `unexpected line '${line}' (expected file:<path> or dir:<path>)`);
      const rel = m[2]!;
      if (!safeRel(rel) || rel === "manifest.in") throw archiveError(`${comp}/manifest.in`, `unsafe path '${rel}'`);
      const from = join(base, `${comp}/${rel}`);
      if (!tree.exists(from)) throw archiveError(`${comp}/manifest.in`, `lists ${m[1]} ${rel}, which the tarball lacks`);
      if (rel === PARTS || rel.startsWith(`${PARTS}/`)) throw archiveError(`${comp}/manifest.in`, `unsafe path '${rel}'`);
      place(tree, from, rel);
    }
    tree.remove(join(base, comp));
  }
  if (base) tree.remove(base);
  else for (const f of INSTALLER_FILES) if (tree.exists(f)) tree.remove(f);
  return components;
}

/**
 * Merge the unpacked rustc tarball (at the root) and every part (`_parts/<name>/`) into one
 * toolchain tree: bin/rustc, bin/cargo, lib/rustlib/<target>/lib/*.rlib. The installer's own
 * files are dropped; lib/rustlib/components lists what was installed, as install.sh writes it.
 */
export function assembleRustTree(tree: InstallTree): string[] {
  const installed = installPackage(tree, "");
  for (const name of safeList(tree, PARTS).sort()) installed.push(...installPackage(tree, `${PARTS}/${name}`));
  if (tree.exists(PARTS)) tree.remove(PARTS);
  tree.write("lib/rustlib/components", installed.map((c) => `${c}\n`).join(""));
  return installed;
}

export default defineRecipe({
  name: "rust",
  description: "Rust toolchain: rustc, cargo and rust-std for extra targets (static.rust-lang.org channel manifests, no rustup)",
  homepage: "https://www.rust-lang.org",
  revision: 1,
  platforms: ["linux-x64", "linux-arm64", "darwin-x64", "darwin-arm64"],
  options: ["targets", "components"],

  async versions({ http }) {
    // Release tags are bare versions (`1.82.0`); anything else is skipped.
    return (await githubReleases(http, REPO))
      .filter((r) => !r.prerelease && semver.valid(r.tag_name) === r.tag_name && !r.tag_name.includes("-"))
      .map((r) => ({ version: r.tag_name, ...(r.published_at ? { date: r.published_at.slice(0, 10) } : {}) }));
  },

  normalizeOptions(options) {
    const { targets, components } = rustOptions(options);
    return { ...options, ...(targets.length ? { targets } : {}), ...(components.length ? { components } : {}) };
  },

  artifact: ({ http }, version, platform, options) => rustArtifact(http, version, platform, options),

  acceptsUrl: (version, platform, url) => rustAcceptsUrl(version, platform, url),

  checkLocked: (_version, platform, artifact, options) => rustCheckLocked(platform, artifact, options),

  bin: () => ["bin"],

  // cargo's registry cache and `cargo install` go to the project's state dir, not ~/.cargo or the store.
  env: () => [
    { kind: "set", name: "CARGO_HOME", value: "cargo-home", state: true },
    { kind: "prepend", name: "PATH", path: "cargo-home/bin", state: true },
  ],

  postInstall(tree) {
    assembleRustTree(tree);
  },
});

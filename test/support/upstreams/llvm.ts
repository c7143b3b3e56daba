/**
 * llvm/llvm-project GitHub releases (tags `llvmorg-X.Y.Z`, `llvmorg-X.Y.Z-rcN`), with the real
 * per-release irregularities of the binary tarballs (bazel-contrib/toolchains_llvm distributions):
 *
 * | ver   | linux x86_64                              | linux aarch64                  | macOS arm64                      | macOS x86_64 |
 * | 17.0.x| clang+llvm-V-x86_64-linux-gnu-ubuntu-22.04 (.2/.4/.5/.6) | clang+llvm-V-aarch64-linux-gnu | clang+llvm-V-arm64-apple-darwin22.0 | none |
 * | 18.1.x| clang+llvm-V-x86_64-linux-gnu-ubuntu-18.04 (.4/.7/.8)    | clang+llvm-V-aarch64-linux-gnu | clang+llvm-V-arm64-apple-macos11 (.8 only) | none |
 * | 19.1.x| LLVM-V-Linux-X64                           | clang+llvm-V-aarch64-linux-gnu | LLVM-V-macOS-ARM64 (not .5)      | LLVM-V-macOS-X64 (not .1/.2) |
 * | ≥20   | LLVM-V-Linux-X64                           | LLVM-V-Linux-ARM64             | LLVM-V-macOS-ARM64 (not 20.1.5/.6, 21.1.0–.5/.7) | LLVM-V-macOS-X64 (20.1.3/.7 only) |
 *
 * (test/fixtures/real/toolchains_llvm-github*.jsonc lists every one of them; a conformance test checks
 * this table against it.) GitHub gives the tarballs a `digest` only if uploaded since 2025-06-03 (20.1.7 on);
 * release dates are the real ones where known (llvmPublishedAt).
 *
 * Beside them, as upstream: `.sig` for every file, `.jsonl` attestations for workflow-built `LLVM-*`
 * files (19 on), Windows installers and tarballs, and the source tarball. No checksum file: the API
 * asset `digest` is the only sha256. Each tarball has the basename as its top directory, with
 * `bin/clang` → `clang-{major}` (a script printing `clang version V`), `clang++`, `ld.lld`, `llvm-ar`
 * and `lib/clang/{major}/include/stddef.h`.
 */
import { tarEntries, xz, type Entry } from "../archives.js";
import { releasesUpstream, type GithubAssetSpec, type GithubRepoOptions } from "./github.js";
import { Lazy, type Upstream, type VersionSpec } from "./types.js";

export interface LlvmVersionInfo {
  /** Default: true for `-rcN`. */
  prerelease: boolean;
  draft: boolean;
  publishedAt: string;
  /** The binary tarballs (full asset names) instead of the table's; distractors are still added. */
  tarballs: string[];
}
/** `"19.1.7"`, `"20.1.0-rc2"`, or `"tag:<name>"` for a release under another tag (no assets). */
export type LlvmVersionSpec = VersionSpec<LlvmVersionInfo>;

export type LlvmUpstreamOptions = Pick<GithubRepoOptions, "pageSize" | "digests" | "redirectDownloads">;

const parse = (v: string) => {
  const [core = "", pre] = v.split(/-(.*)/s);
  const [major = 0, minor = 0, patch = 0] = core.split(".").map((n) => Number(n) || 0);
  return { major, minor, patch, pre };
};

/** The clang/LLVM tarballs a release publishes for the four devenv platforms (per the table above). */
export function llvmTarballs(v: string): string[] {
  const { major, patch, pre } = parse(v);
  const final = pre === undefined;
  const out: string[] = [];
  if (major <= 17) {
    if (!final || [2, 4, 5, 6].includes(patch)) out.push(`clang+llvm-${v}-x86_64-linux-gnu-ubuntu-22.04.tar.xz`);
    out.push(`clang+llvm-${v}-aarch64-linux-gnu.tar.xz`, `clang+llvm-${v}-arm64-apple-darwin22.0.tar.xz`);
  } else if (major === 18) {
    if ([4, 7, 8].includes(patch) && final) out.push(`clang+llvm-${v}-x86_64-linux-gnu-ubuntu-18.04.tar.xz`);
    out.push(`clang+llvm-${v}-aarch64-linux-gnu.tar.xz`);
    if (patch === 8 && final) out.push(`clang+llvm-${v}-arm64-apple-macos11.tar.xz`);
  } else if (major === 19) {
    out.push(`LLVM-${v}-Linux-X64.tar.xz`, `clang+llvm-${v}-aarch64-linux-gnu.tar.xz`);
    if (!(patch === 5 && final)) out.push(`LLVM-${v}-macOS-ARM64.tar.xz`);
    if (!([1, 2].includes(patch) && final)) out.push(`LLVM-${v}-macOS-X64.tar.xz`);
  } else {
    out.push(`LLVM-${v}-Linux-X64.tar.xz`, `LLVM-${v}-Linux-ARM64.tar.xz`);
    const noMacArm = final && ((major === 20 && [5, 6].includes(patch)) || (major === 21 && [0, 1, 2, 3, 4, 5, 7].includes(patch)));
    if (!noMacArm) out.push(`LLVM-${v}-macOS-ARM64.tar.xz`);
    if (major === 20 && [3, 7].includes(patch) && final) out.push(`LLVM-${v}-macOS-X64.tar.xz`);
  }
  return out;
}

/** What `clang --version` names as the target for a tarball. */
function targetOf(name: string): string {
  if (/Linux-X64|x86_64-linux/.test(name)) return "x86_64-unknown-linux-gnu";
  if (/Linux-ARM64|aarch64-linux/.test(name)) return "aarch64-unknown-linux-gnu";
  if (/macOS-X64|x86_64-apple/.test(name)) return "x86_64-apple-darwin";
  if (/macOS-ARM64|arm64-apple/.test(name)) return "arm64-apple-darwin";
  return "x86_64-pc-windows-msvc";
}

/** The real layout, in miniature: `<basename>/bin/…`, `<basename>/lib/clang/<major>/include/…`. */
export function llvmTree(v: string, name: string): Entry[] {
  const top = name.replace(/\.tar\.xz$/, "");
  const major = parse(v).major;
  const target = targetOf(name);
  const script = (tool: string, body: string[]) => [
    "#!/bin/sh",
    `# fake ${tool} from ${name} for devenv tests`,
    ...body,
    "",
  ].join("\n");
  const clang = script(`clang-${major}`, [
    `if [ "$1" = "--version" ]; then`,
    `  echo "clang version ${v} (https://github.com/llvm/llvm-project fake${major})"`,
    `  echo "Target: ${target}"`,
    `  echo "Thread model: posix"`,
    `  echo "InstalledDir: $(dirname "$0")"`,
    "  exit 0",
    "fi",
    `echo "$(basename "$0"): error: no input files" >&2`,
    "exit 1",
  ]);
  const lld = script("lld", [
    `if [ "$1" = "--version" ]; then echo "LLD ${v} (compatible with GNU linkers)"; exit 0; fi`,
    `echo "ld.lld: error: no input files" >&2`,
    "exit 1",
  ]);
  const ar = script("llvm-ar", [
    `if [ "$1" = "--version" ]; then echo "LLVM (http://llvm.org/):"; echo "  LLVM version ${v}"; exit 0; fi`,
    `echo "OVERVIEW: LLVM Archiver" >&2`,
    "exit 1",
  ]);
  return [
    { path: `${top}/`, type: "dir" },
    { path: `${top}/bin/`, type: "dir" },
    { path: `${top}/bin/clang-${major}`, content: clang, mode: 0o755 },
    { path: `${top}/bin/clang`, type: "symlink", linkname: `clang-${major}` },
    { path: `${top}/bin/clang++`, content: clang.replace(`fake clang-${major}`, "fake clang++"), mode: 0o755 },
    { path: `${top}/bin/ld.lld`, content: lld, mode: 0o755 },
    { path: `${top}/bin/llvm-ar`, content: ar, mode: 0o755 },
    { path: `${top}/lib/`, type: "dir" },
    { path: `${top}/lib/clang/${major}/include/stddef.h`, content: `/* fake clang ${v} resource header */\ntypedef __SIZE_TYPE__ size_t;\n` },
    { path: `${top}/include/llvm/Config/llvm-config.h`, content: `#define LLVM_VERSION_STRING "${v}"\n` },
  ];
}

/** Publish days of some releases (the GitHub release pages; ± a day). 20.1.6 is the last before digests. */
const KNOWN_DATES: Record<string, string> = {
  "17.0.6": "2023-11-28", "18.1.8": "2024-06-19", "19.1.7": "2025-01-14", "20.1.0": "2025-03-04",
  "20.1.6": "2025-05-28", "20.1.7": "2025-06-13", "20.1.8": "2025-07-08", "21.1.0": "2025-08-26",
};

/** Publish times: known ones as above, else 17.0.1 ≈ 2023-09-19, one major ≈ 6 months, patches ≈ 2 weeks, rcs before .0. */
export function llvmPublishedAt(v: string): string {
  const known = KNOWN_DATES[v];
  if (known) return `${known}T16:00:00Z`;
  const { major, minor, patch, pre } = parse(v);
  const rc = pre ? Number(/rc(\d+)/.exec(pre)?.[1] ?? 1) : 0;
  const days = (major - 17) * 175 + minor * 3 + patch * 14 - (pre ? 40 - rc * 7 : 0);
  return new Date(Date.UTC(2023, 8, 19, 16, 0, 0) + days * 86_400_000).toISOString().replace(/\.000Z$/, "Z");
}

export function llvmAssets(v: string, tarballs = llvmTarballs(v), lazy = new Lazy()): GithubAssetSpec[] {
  const { major } = parse(v);
  const text = (name: string, contentType: string, body: string): GithubAssetSpec => ({ name, contentType, build: () => Buffer.from(body) });
  const sig = (name: string) => text(`${name}.sig`, "application/pgp-signature",
    `-----BEGIN PGP SIGNATURE-----\n\n${Buffer.from(`fake signature for ${name}`).toString("base64")}\n-----END PGP SIGNATURE-----\n`);
  const tarball = (name: string): GithubAssetSpec => ({
    name,
    contentType: "application/x-xz",
    build: () => lazy.get(name, async () => xz(tarEntries(llvmTree(v, name)), 1)),
  });
  const win = major >= 18 ? `clang+llvm-${v}-x86_64-pc-windows-msvc.tar.xz` : undefined;
  const assets: GithubAssetSpec[] = [];
  for (const name of tarballs) {
    assets.push(tarball(name), sig(name));
    if (name.startsWith("LLVM-")) {
      assets.push(text(`${name}.jsonl`, "application/octet-stream",
        `${JSON.stringify({ mediaType: "application/vnd.dev.sigstore.bundle.v0.3+json", fake: name })}\n`));
    }
  }
  if (win) assets.push(tarball(win), sig(win));
  for (const exe of [`LLVM-${v}-win64.exe`, `LLVM-${v}-woa64.exe`]) {
    assets.push(text(exe, "application/x-msdownload", `MZ fake ${exe}\n`), sig(exe));
  }
  const src = `llvm-project-${v}.src.tar.xz`;
  assets.push({
    name: src,
    contentType: "application/x-xz",
    build: () => lazy.get(src, async () => xz(tarEntries([{ path: `llvm-project-${v}.src/README.md`, content: `LLVM ${v} sources (fake)\n` }]), 1)),
  }, sig(src));
  return assets.sort((a, b) => (a.name < b.name ? -1 : 1));
}

export function llvmUpstream(specs: readonly LlvmVersionSpec[] = [], opts: LlvmUpstreamOptions = {}): Upstream {
  return releasesUpstream<LlvmVersionInfo>({ owner: "llvm", repo: "llvm-project", repoId: 75821432 }, specs, opts, (s) => {
    if (s.version.startsWith("tag:")) {
      // A release under another tag style (no binaries), which the recipe must skip.
      const tag = s.version.slice("tag:".length);
      return { tag, name: tag, prerelease: s.prerelease ?? false, publishedAt: s.publishedAt ?? "2023-01-10T12:00:00Z", assets: [] };
    }
    const v = s.version.replace(/^llvmorg-/, "");
    return {
      tag: `llvmorg-${v}`,
      name: `LLVM ${v}`,
      prerelease: s.prerelease ?? v.includes("-"),
      draft: s.draft ?? false,
      publishedAt: s.publishedAt ?? llvmPublishedAt(v),
      body: `LLVM ${v} release (fake for devenv tests)`,
      assets: llvmAssets(v, s.tarballs ?? llvmTarballs(v)),
    };
  });
}

import semver from "semver";
import { DevenvError } from "../src/errors.js";
import { ChecksumMissingError, digestToSha256 } from "../src/recipes/checksums.js";
import { githubRelease, githubReleases, type GithubAsset, type GithubRelease } from "../src/recipes/sources/github.js";
import { defineRecipe, type ArchiveFormat, type PlatformKey, type ToolOptions } from "../src/recipes/types.js";

const REPO = "riscv-collab/riscv-gnu-toolchain";
const NAME = "riscv64-linux-gnu-gcc";
const HOST: PlatformKey = "linux-x64";
const DOWNLOAD = `https://github.com/${REPO}/releases/download`;

/**
 * The glibc of the GitHub runner image each build was made on: the floor for running it.
 * ubuntu-18.04 builds are in nightlies up to late 2022, ubuntu-20.04 ones up to 2024-09-29.
 */
export const UBUNTU_GLIBC: Readonly<Record<string, string>> = { "18.04": "2.27", "20.04": "2.31", "22.04": "2.35", "24.04": "2.39" };

/** The last nightly date that can have an ubuntu-20.04 build (the runner was dropped from the CI matrix on 2024-09-30). */
const LAST_WITH_UBUNTU_2004 = "2024.9.29";

/** GitHub gives release assets a sha256 `digest` only if they were uploaded on or after this day (never backfilled). */
const DIGESTS_SINCE = "2025-06-03";

/** Nightly tags are UTC dates `YYYY.MM.DD`; devenv versions drop the zero padding so they are semver. */
export function tagToVersion(tag: string): string | undefined {
  const m = /^(\d{4})\.(\d{2})\.(\d{2})$/.exec(tag);
  return m ? `${m[1]}.${Number(m[2])}.${Number(m[3])}` : undefined;
}

/** The inverse: "2024.9.3" → "2024.09.03" (undefined for anything that is not such a date). */
export function versionToTag(version: string): string | undefined {
  const m = /^(\d{4})\.(\d{1,2})\.(\d{1,2})$/.exec(version);
  return m ? `${m[1]}.${m[2]!.padStart(2, "0")}.${m[3]!.padStart(2, "0")}` : undefined;
}

export interface RiscvAsset {
  name: string;
  ubuntu: string;
  stripped: boolean;
  format: ArchiveFormat;
}

/**
 * A riscv64 glibc GCC build of the release `tag`, or undefined. The names changed over time:
 *   riscv64-glibc-ubuntu-22.04-nightly-2022.12.17-nightly.tar.gz          (to mid-2023: no compiler)
 *   riscv64-glibc-ubuntu-20.04-gcc-nightly-2023.10.18-nightly.tar.gz      (to 2024-11-09)
 *   riscv64-glibc-ubuntu-22.04-gcc-nightly-2024.12.16-nightly.tar.xz      (to 2025-10)
 *   riscv64-glibc-ubuntu-24.04-gcc[-stripped].tar.xz                      (from 2025-10: no date)
 * LLVM builds, other libcs (elf, musl, uclibc-ng), riscv32 and other hosts (macos-12) are not ours.
 */
export function parseAsset(name: string, tag: string): RiscvAsset | undefined {
  const m = /^riscv64-glibc-ubuntu-(\d{2}\.\d{2})(?:-(gcc|llvm))?(-stripped)?(?:-nightly-(\d{4}\.\d{2}\.\d{2})-nightly)?\.(tar\.gz|tar\.xz)$/.exec(name);
  if (!m) return undefined;
  const [, ubuntu, compiler, stripped, date, ext] = m;
  if (compiler === "llvm" || !UBUNTU_GLIBC[ubuntu!]) return undefined;
  // A dated name must carry this release's own date; an undated one must name the compiler.
  if (date ? date !== tag : compiler === undefined) return undefined;
  return { name, ubuntu: ubuntu!, stripped: stripped !== undefined, format: ext === "tar.xz" ? "tar.xz" : "tar.gz" };
}

/**
 * The build to use, best first: the oldest Ubuntu (lowest glibc floor, so it runs on the most
 * hosts), then the unstripped tarball. Unstripped is the canonical artifact (the CI default, and
 * the form of every earlier era); `-stripped` is a later pass of the host `strip` over every ELF file in
 * the tree, sysroot included. It is smaller, but it is used only when nothing else is published.
 */
export function pickAsset(release: GithubRelease, ubuntu?: string): { asset: GithubAsset; info: RiscvAsset } | undefined {
  const found = release.assets
    .map((asset) => ({ asset, info: parseAsset(asset.name, release.tag_name) }))
    .filter((c): c is { asset: GithubAsset; info: RiscvAsset } => c.info !== undefined && (ubuntu === undefined || c.info.ubuntu === ubuntu))
    .sort((a, b) => a.info.ubuntu.localeCompare(b.info.ubuntu) || Number(a.info.stripped) - Number(b.info.stripped));
  return found[0];
}

/** The `ubuntu` option: which runner image's build to take (default: the oldest one published). */
function ubuntuOption(options: ToolOptions): string | undefined {
  const u = options.ubuntu;
  if (u === undefined) return undefined;
  if (typeof u === "string" && UBUNTU_GLIBC[u]) return u;
  throw new DevenvError("CONFIG_SCHEMA", `devenv.ts: tools.${NAME}.ubuntu must be one of ${Object.keys(UBUNTU_GLIBC).map((k) => `"${k}"`).join(", ")} (got ${JSON.stringify(u)})`, {
    hint: `It picks the build made on that Ubuntu release (glibc ${Object.entries(UBUNTU_GLIBC).map(([k, g]) => `${k} → ${g}`).join(", ")}); leave it out to take the oldest one published.`,
  });
}

function notHere(platform: PlatformKey, version: string): DevenvError {
  return new DevenvError("UNSUPPORTED_PLATFORM", `${NAME} ${version} has no ${platform} build: riscv-collab/riscv-gnu-toolchain publishes toolchains for x86_64 Linux hosts only`, {
    hint: `${hostAlternatives(platform)}; or drop ${platform} from the lock.`,
  });
}

/** What to use instead on a host riscv-collab builds nothing for (one sentence, no final stop: callers go on). */
function hostAlternatives(platform: PlatformKey): string {
  return platform.startsWith("darwin")
    ? "On macOS run it in a linux/amd64 container (Docker or Podman; emulated on Apple silicon), or use xPack riscv-none-elf-gcc for bare-metal targets (newlib, no Linux libc)"
    : "On linux-arm64 run it in a linux/amd64 container (qemu-user emulation) or use the distribution's gcc-riscv64-linux-gnu package; xPack riscv-none-elf-gcc covers bare-metal targets only (no Linux libc)";
}

export default defineRecipe({
  name: NAME,
  description: "RISC-V 64-bit Linux (glibc) cross GCC, riscv64-unknown-linux-gnu-* (riscv-collab/riscv-gnu-toolchain nightlies, asset digests: uploads since 2025-06-03; x86_64 Linux hosts)",
  homepage: `https://github.com/${REPO}`,
  revision: 1,
  platforms: [HOST],
  options: ["ubuntu"],

  async versions({ http }) {
    // A release counts only if it has a riscv64 glibc GCC build (some nightlies lack it, or have only LLVM).
    const out: { version: string; date?: string }[] = [];
    for (const r of await githubReleases(http, REPO)) {
      const version = tagToVersion(r.tag_name);
      if (!version || !pickAsset(r)) continue;
      out.push({ version, ...(r.published_at ? { date: r.published_at.slice(0, 10) } : {}) });
    }
    return out;
  },

  async artifact({ http }, version, platform, options) {
    const ubuntu = ubuntuOption(options);
    if (platform !== HOST) throw notHere(platform, version);
    const tag = versionToTag(version);
    if (!tag) {
      throw new DevenvError("NO_MATCHING_VERSION", `${NAME}: '${version}' is not a nightly date (YYYY.M.D, e.g. 2024.12.16)`, {
        hint: `'devenv versions ${NAME}' lists the published nightlies.`,
      });
    }
    const release = await githubRelease(http, REPO, tag);
    const picked = pickAsset(release, ubuntu);
    if (!picked) {
      const ours = release.assets.map((a) => a.name).filter((n) => n.startsWith("riscv64-glibc-"));
      throw new DevenvError("UNSUPPORTED_PLATFORM", `${NAME} ${version}: release ${tag} has no riscv64 glibc GCC build${ubuntu ? ` made on ubuntu-${ubuntu}` : ""}`, {
        hint: `riscv64-glibc assets of ${tag}: ${ours.join(", ") || "none"}. ${ubuntu ? "Drop the ubuntu option or pick" : "Pick"} another nightly ('devenv versions ${NAME}').`,
      });
    }
    const { asset, info } = picked;
    // No checksum files are published: the release asset's digest is the only upstream sha256, and
    // GitHub records one only for uploads since 2025-06-03 (older nightlies have none, and no
    // public table covers them).
    const url = `${DOWNLOAD}/${tag}/${asset.name}`;
    const sha256 = digestToSha256(asset.digest);
    if (!sha256) {
      throw new ChecksumMissingError(`${NAME} ${version}: no published sha256 for ${asset.name} (release ${tag}: GitHub lists no digest for it and riscv-collab publishes no checksum file)`,
        { url, format: info.format, strip: 1, size: asset.size, requires: { glibc: UBUNTU_GLIBC[info.ubuntu]! } }, {
          hint: `GitHub records digests only for files uploaded since ${DIGESTS_SINCE}: pick a nightly from then on (${JSON.stringify(NAME)}: "2025" takes the newest 2025 one).`,
        });
    }
    return {
      url,
      sha256,
      checksum: "digest",
      format: info.format,
      // Everything is under `riscv/` (tar -C /mnt riscv/): bin/, sysroot/, lib/, libexec/, share/.
      strip: 1,
      size: asset.size,
      requires: { glibc: UBUNTU_GLIBC[info.ubuntu]! },
    };
  },

  acceptsUrl(version, platform, url, options) {
    const tag = versionToTag(version);
    const prefix = `${DOWNLOAD}/${tag}/`;
    if (platform !== HOST || !tag || !url.startsWith(prefix)) return false;
    const info = parseAsset(url.slice(prefix.length), tag);
    return info !== undefined && (options.ubuntu === undefined || info.ubuntu === options.ubuntu);
  },

  // bin/riscv64-unknown-linux-gnu-{gcc,g++,as,ld,gdb,…}; gcc finds sysroot/ and libexec/ relative to itself.
  bin: () => ["bin"],

  alternatives(version, platform, options) {
    if (platform !== HOST) return hostAlternatives(platform);
    const pinned = options.ubuntu === "22.04" || options.ubuntu === "24.04";
    if (pinned && semver.valid(version) && semver.lte(version, LAST_WITH_UBUNTU_2004)) {
      return "Drop the ubuntu option: where this nightly has an ubuntu-20.04 build, it needs only glibc 2.31";
    }
    // Those older builds were uploaded before GitHub recorded digests: they lock only with the opt-in.
    return `Nightlies up to ${LAST_WITH_UBUNTU_2004} ('${NAME}@<=${LAST_WITH_UBUNTU_2004}'${pinned ? ", without the ubuntu option" : ""}) ship an ubuntu-20.04 build that needs only glibc 2.31 (some from 2022 and earlier an ubuntu-18.04 one, glibc 2.27); no sha256 is published for them, so they lock only with checksum: "first-download" on ${NAME} in devenv.ts (or --trust-first-download)`;
  },
});

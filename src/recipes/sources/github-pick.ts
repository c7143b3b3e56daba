/**
 * Which asset of a GitHub release is the build for a devenv platform (`github:owner/repo`). Pure.
 *
 * A candidate is an asset devenv can unpack (tar.gz/xz/zst, tar, zip, or a bare program) that is no
 * checksum, signature, installer, source or debug file, whose name says the platform's OS and CPU.
 * A macOS build for both CPUs (`universal`, `darwin_all`) stands in for either Mac, after a build
 * for the very CPU; a build whose name says no CPU stands in for linux-x64 and both Macs (the old
 * convention: `ninja-linux.zip` is x86_64, `ninja-mac.zip` universal), never for linux-arm64.
 * Among candidates, in order: the CPU named over universal over none; the product named like the
 * repository (or a `bin` name) over another (`zellij` over `zellij-no-web`); fewer extra words
 * (`cargo-binstall-….tgz` over `….full.tgz`); on Linux musl over no libc over gnu (a static musl
 * build runs on any distribution and glibc version, which a gnu build's name never tells); then
 * tar.gz, tar.xz, tar.zst, zip, tar, a bare program. Two assets still equal are an error listing both.
 *
 * The `asset` option picks by name instead: a glob over the whole asset name where `*` is any run of
 * characters, `?` one character, and `{os}`/`{arch}` any spelling of the platform's OS
 * (linux; darwin, macos, mac, osx, apple) and CPU (x86_64, amd64, x64; aarch64, arm64), ignoring case.
 * The assets it matches whose names say another platform are dropped; among the rest the order
 * above decides, so `asset: "*-musl.tar.gz"` still picks per CPU. A pattern that matches exactly
 * one asset devenv can unpack picks it whatever its name says.
 */
import { DevenvError } from "../../errors.js";
import type { ArchiveFormat, PlatformKey } from "../types.js";
import { splitPlatform } from "../types.js";
import { assetTraits, type AssetTraits } from "./asset-traits.js";

export interface PickOptions {
  /** owner/repo: the product name assets are compared with. */
  repo: string;
  /** The `asset` option (see above). */
  asset?: string;
  /** The `bin` option: command names, also product names to prefer. */
  bin?: readonly string[];
}

export interface PickedAsset {
  name: string;
  format: ArchiveFormat;
}

export class AssetPickError extends DevenvError {
  /** `none`: nothing fits; `ambiguous`: `candidates` fit equally well. */
  constructor(message: string, readonly kind: "none" | "ambiguous", readonly candidates: readonly string[], hint: string) {
    super("UNSUPPORTED_PLATFORM", message, { hint });
    this.name = "AssetPickError";
  }
}

const OS_WORDS = { linux: ["linux"], darwin: ["darwin", "macos", "mac", "osx", "apple"] } as const;
const ARCH_WORDS = { x64: ["x86_64", "x86-64", "amd64", "x64"], arm64: ["aarch64", "arm64"] } as const;

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The `asset` glob for one platform as a RegExp over a whole name. */
export function assetPattern(glob: string, platform: PlatformKey): RegExp {
  const { os, arch } = splitPlatform(platform);
  let src = "";
  for (let i = 0; i < glob.length; i++) {
    const rest = glob.slice(i);
    if (rest.startsWith("{os}")) {
      src += `(?:${OS_WORDS[os].map(esc).join("|")})`;
      i += 3;
    } else if (rest.startsWith("{arch}")) {
      src += `(?:${ARCH_WORDS[arch].map(esc).join("|")})`;
      i += 5;
    } else if (glob[i] === "*") src += ".*";
    else if (glob[i] === "?") src += ".";
    else src += esc(glob[i]!);
  }
  return new RegExp(`^${src}$`, "i");
}

/** How well an asset fits the platform (higher is better), or undefined when it is no candidate. */
function rank(t: AssetTraits, platform: PlatformKey, names: readonly string[], byPattern: boolean): number[] | undefined {
  const { os, arch } = splitPlatform(platform);
  if (!t.format || (t.skip && !byPattern)) return undefined;
  if (t.os !== undefined && t.os !== os) return undefined;
  if (t.os === undefined && !byPattern) return undefined;
  let cpu: number;
  if (t.arch === arch) cpu = 3;
  else if (t.arch === "universal") cpu = 2;
  else if (t.arch === undefined && (os === "darwin" || arch === "x64" || byPattern)) cpu = 1;
  else return undefined;
  const product = names.includes(t.product) ? 2 : names.some((n) => t.product.startsWith(n)) ? 1 : 0;
  const libc = os !== "linux" ? 0 : t.libc === "musl" ? 2 : t.libc === undefined ? 1 : 0;
  const format = ["raw", "tar", "zip", "tar.zst", "tar.xz", "tar.gz"].indexOf(t.format);
  return [cpu, product, -t.extras.length, libc, format];
}

const compare = (a: number[], b: number[]) => {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return b[i]! - a[i]!;
  return 0;
};

/** The asset for `platform` among a release's asset names; an AssetPickError when none or two fit. */
export function pickAsset(assetNames: readonly string[], platform: PlatformKey, opts: PickOptions): PickedAsset {
  const repoName = opts.repo.split("/")[1]?.toLowerCase() ?? "";
  const names = [repoName, ...(opts.bin ?? []).map((b) => b.toLowerCase())].filter(Boolean);
  const pattern = opts.asset ? assetPattern(opts.asset, platform) : undefined;
  const pool = [...new Set(pattern ? assetNames.filter((n) => pattern.test(n)) : assetNames)];
  const ranked = pool
    .map((n) => ({ t: assetTraits(n), r: undefined as number[] | undefined }))
    .map((x) => ({ ...x, r: rank(x.t, platform, names, pattern !== undefined) }))
    .filter((x): x is { t: AssetTraits; r: number[] } => x.r !== undefined)
    .sort((a, b) => compare(a.r, b.r) || a.t.name.localeCompare(b.t.name));
  const override = opts.asset ? `asset: ${JSON.stringify(opts.asset)}` : "an `asset` pattern";
  // The pattern names one file devenv can unpack, whatever its name says (a cross toolchain's
  // `riscv64-…` is its target, not its host): the user's word stands.
  const lone = pattern && pool.length === 1 ? assetTraits(pool[0]!) : undefined;
  if (ranked.length === 0 && lone?.format) return { name: lone.name, format: lone.format };
  if (ranked.length === 0) {
    const shown = (pattern ? pool : assetNames.filter((n) => !assetTraits(n).skip)).slice(0, 30);
    const what = pattern ? `no asset matching ${JSON.stringify(opts.asset)} is` : "no asset is";
    throw new AssetPickError(`${opts.repo}: ${what} a ${platform} build`, "none", shown, shown.length
      ? `Assets: ${shown.join(", ")}. Name the right one with ${override} (glob; {os} and {arch} stand for the platform's spellings), or drop ${platform} from 'platforms'.`
      : `The release has no program builds devenv can unpack. Drop ${platform} from 'platforms', or give the tool inline in devenv.ts.`);
  }
  const best = ranked[0]!;
  const tied = ranked.filter((x) => compare(x.r, best.r) === 0).map((x) => x.t.name);
  if (tied.length > 1) {
    throw new AssetPickError(`${opts.repo}: ${tied.length} assets fit ${platform} equally well: ${tied.join(", ")}`, "ambiguous", tied,
      `Say which with ${override}, e.g. asset: ${JSON.stringify(globFor(tied[0]!))}.`);
  }
  return { name: best.t.name, format: best.t.format! };
}

/** A glob for `name` with its OS and CPU words replaced by {os} and {arch} (for hints). */
function globFor(name: string): string {
  return name
    .replace(/(?<![A-Za-z0-9])(x86_64|amd64|x64|aarch64|arm64)(?![A-Za-z0-9])/i, "{arch}")
    .replace(/(?<![A-Za-z0-9])(linux|darwin|macos|osx)(?![A-Za-z0-9])/i, "{os}")
    .replace(/\d+\.\d+(\.\d+)?/g, "*");
}

/** Would pickAsset choose `name` for this platform if the release had it (no other asset known)? */
export function assetFits(name: string, platform: PlatformKey, opts: PickOptions): boolean {
  try {
    return pickAsset([name], platform, opts).name === name;
  } catch {
    return false;
  }
}

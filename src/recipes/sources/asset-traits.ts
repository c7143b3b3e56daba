/**
 * What a release asset's name says about it: the OS, CPU and libc it is built for, how devenv would
 * unpack it, what product it is (the name before the platform part), and why it is no program build
 * at all (a checksum, a signature, an installer, a source or debug archive). Pure; used by the
 * `github:owner/repo` picker (github-pick.ts).
 */
import type { ArchiveFormat } from "../types.js";

export type AssetOs = "linux" | "darwin" | "windows" | "other";
/** `universal`: a macOS build for both CPUs (lipo'd), `other`: a CPU devenv does not lock for. */
export type AssetArch = "x64" | "arm64" | "universal" | "other";

export interface AssetTraits {
  name: string;
  os?: AssetOs;
  arch?: AssetArch;
  libc?: "gnu" | "musl";
  /** How devenv unpacks it; absent when it cannot (or `skip` says it is no program build). */
  format?: ArchiveFormat;
  /** Why this asset is never a candidate (checksum, signature, installer, source, debug …). */
  skip?: string;
  /** Lowercase name part before the first platform or version token (`zellij-no-web`, `gh`). */
  product: string;
  /** Tokens besides product, platform and version (`full` in cargo-binstall's `.full.tgz`, `update`). */
  extras: string[];
}

/** A token between non-alphanumeric characters (or the ends of the name). */
const tok = (alts: string) => new RegExp(`(?<![a-z0-9])(?:${alts})(?![a-z0-9])`);

const OS_OTHER = tok("android|freebsd\\d*|netbsd|openbsd|dragonfly|dragonflybsd|illumos|solaris|sunos|aix|plan9|haiku|ios|wasm\\d*|wasi\\w*|js");
const OS_WINDOWS = tok("windows|win|win32|win64|mingw\\w*|msvc|cygwin");
const OS_DARWIN = tok("darwin|macos\\d*|macosx|mac|osx\\d*|apple");
const OS_LINUX = tok("linux|linux32|linux64");

const ARCH_X64 = tok("x86[_-]64|x86-64|amd64|x64|x86_64h|64-?bit|linux64|osx64|win64");
const ARCH_ARM64 = tok("aarch64|aarch_64|arm64|arm64e|armv8l?|arm_64");
const ARCH_UNIVERSAL = tok("universal2?|all|fat");
const ARCH_OTHER = tok("i[3-6]86|x86|386|32-?bit|linux32|win32|arm|armv[4-7]\\w*|armhf|armel|arm32|ppc\\w*|powerpc\\w*|s390x?|riscv\\w*|mips\\w*|loong\\w*|sparc\\w*|ia64");

const MUSL = tok("musl\\w*|static");
const GNU = tok("gnu\\w*|glibc\\w*");

/** Suffixes of files that are about a build, not a build: checksums, signatures, metadata. */
const META_EXT = /\.(sha(1|224|256|384|512)(sums?)?|md5(sums?)?|sums?|sig|asc|minisig|pem|crt|cert|cer|sbom|spdx|cdx|json|jsonl|intoto|bundle|pub|key|txt|ya?ml|xml|toml|att|provenance|sigstore|zsync|md|html|pdf)$/i;
/** Installers and packages of some package manager: devenv unpacks none of them. */
const PACKAGE_EXT = /\.(deb|rpm|apk|msi|msix|appx|pkg|mpkg|dmg|exe|appimage|snap|flatpak|vsix|whl|gem|nupkg|jar|desktop|bat|cmd|ps1|sh|bash|fish|zsh|app|ipa)$/i;
/** Compressions devenv does not unpack (a lone .gz is one compressed file, not a tar). */
const UNSUPPORTED_EXT = /\.(tar\.bz2|tbz2?|bz2|7z|rar|lz|lzma|tar\.lz|tar\.lzma|gz|xz|zst|z|cpio|xar)$/i;
/** Name tokens of assets that are no program build for the platform. */
const NOT_A_BUILD = tok("src|source|sources|vendor|vendored|debug|dbg|debuginfo|symbols|dsym|pdb|test|tests|checksums?|sha\\d*sums?|shasums?|sums|completions?|completion|manpages?|man|docs?|license|readme|changelog|installer|setup|update|updater|headers");

const FORMATS: Array<[RegExp, ArchiveFormat]> = [
  [/\.(tar\.gz|tgz)$/i, "tar.gz"],
  [/\.(tar\.xz|txz)$/i, "tar.xz"],
  [/\.(tar\.zst|tzst)$/i, "tar.zst"],
  [/\.tar$/i, "tar"],
  [/\.zip$/i, "zip"],
];

/** The archive format an asset name says, `raw` for a bare program, undefined for anything else. */
export function formatOfAsset(name: string): ArchiveFormat | undefined {
  for (const [re, f] of FORMATS) if (re.test(name)) return f;
  if (META_EXT.test(name) || PACKAGE_EXT.test(name) || UNSUPPORTED_EXT.test(name)) return undefined;
  // What follows the last dot: a version's tail or a platform token (`tool-1.2.3-linux-x64`,
  // `shellcheck.linux.x86_64`) is part of a bare program's name; a short word is an unknown type.
  const dot = name.lastIndexOf(".");
  if (dot < 0) return "raw";
  const ext = name.slice(dot + 1).toLowerCase();
  if (/[^a-z0-9]/.test(ext) || /^\d/.test(ext)) return "raw";
  const platformTail = [OS_LINUX, OS_DARWIN, ARCH_X64, ARCH_ARM64].some((re) => re.test(ext));
  return platformTail ? "raw" : undefined;
}

const stripFormat = (name: string) => name.replace(/\.(tar\.gz|tgz|tar\.xz|txz|tar\.zst|tzst|tar|zip)$/i, "");

const PLATFORM_WORD = /^(linux\d*|darwin|macos\w*|mac|osx\d*|apple|windows|win\d*|unknown|pc|none|gnu\w*|musl\w*|static|x86|x64|x8664|amd64|aarch64|aarch_64|arm\w*|i[3-6]86|386|universal2?|all|32|64|bit|32bit|64bit|ppc\w*|s390x|riscv\w*|mips\w*|freebsd\d*|netbsd|openbsd|android|msvc|mingw\w*|illumos|solaris)$/;
const VERSION_WORD = /^v?\d+$|^v?\d+(\.\d+)+\w*$|^\d+\w*$|^rc\d*$|^beta\d*$|^alpha\d*$/;

/** Everything devenv reads from an asset's name. */
export function assetTraits(name: string): AssetTraits {
  const lower = name.toLowerCase();
  const os: AssetOs | undefined = OS_OTHER.test(lower) ? "other" : OS_WINDOWS.test(lower) ? "windows"
    : OS_DARWIN.test(lower) ? "darwin" : OS_LINUX.test(lower) ? "linux" : undefined;
  let arch: AssetArch | undefined = ARCH_X64.test(lower) ? "x64" : ARCH_ARM64.test(lower) ? "arm64" : undefined;
  if (!arch && os === "darwin" && ARCH_UNIVERSAL.test(lower)) arch = "universal";
  if (!arch && ARCH_OTHER.test(lower)) arch = "other";
  const libc = MUSL.test(lower) ? "musl" : GNU.test(lower) ? "gnu" : undefined;
  const format = formatOfAsset(name);
  // x86_64 and aarch_64 are one word each, whatever separates their halves.
  const words = stripFormat(lower).replace(/x86[_-]64/g, "x8664").replace(/aarch_64|arm_64/g, "aarch64").split(/[^a-z0-9]+/).filter(Boolean);
  const isPlatform = (w: string) => PLATFORM_WORD.test(w) || VERSION_WORD.test(w);
  const firstPlatform = words.findIndex(isPlatform);
  const productWords = firstPlatform < 0 ? words : words.slice(0, firstPlatform);
  const extras = words.slice(productWords.length).filter((w) => !isPlatform(w));
  const traits: AssetTraits = {
    name,
    ...(os ? { os } : {}),
    ...(arch ? { arch } : {}),
    ...(libc ? { libc } : {}),
    ...(format ? { format } : {}),
    product: productWords.join("-"),
    extras,
  };
  const skip = META_EXT.test(name) ? "a checksum, signature or metadata file"
    : PACKAGE_EXT.test(name) ? "an installer or system package"
    : UNSUPPORTED_EXT.test(name) && !format ? "compressed in a format devenv does not unpack"
    : /\.app\.(zip|tar\.gz|tgz)$/i.test(name) ? "a macOS application bundle"
    : NOT_A_BUILD.test(lower) ? "a source, debug, documentation or updater file"
    : !format ? "of an unknown file type"
    : undefined;
  if (skip) traits.skip = skip;
  return traits;
}

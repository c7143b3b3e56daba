/**
 * What every fake catalogue tool is made of. A tool module (catalog/<tool>.ts) says, for each real
 * asset name of a release, what it is: a platform build (raw binary or archive with the tool's real
 * layout), a checksum document (in the tool's real format), or anything else (signatures, SBOMs,
 * packages, installers, source archives: filler bytes naming the asset). The executable in a build
 * is a `#!/bin/sh` script answering `--version` like the tool does (Windows builds: a stub `MZ` file).
 */
import { gzip, tarEntries, xz, zipEntries, type Entry } from "../../archives.js";

export type BuildFormat = "raw" | "tar.gz" | "tar.xz" | "zip";

export interface BuildSpec {
  role: "build";
  format: BuildFormat;
  /** Windows build (the executable is an `.exe` stub, not runnable here). */
  windows: boolean;
  /** Path of the executable inside the archive (raw: the asset name itself). */
  exe: string;
  /** Other files beside it (README, LICENSE, man pages, completions), paths inside the archive. */
  extra?: string[];
  /** Zip entries without Unix modes (the executable unpacks 0644), as zips made on Windows/macOS tools. */
  plainZip?: boolean;
}

/**
 * Checksum document formats:
 * - `sha256sum`: `<hex>  <name>` lines (GNU coreutils), one per covered asset;
 * - `bare`: the hex alone (one covered asset), optionally without a trailing newline;
 * - `bsd`: `<ALG> (<name>) = <hex>` lines (rhash --bsd -a: many algorithms per file);
 * - `rhash`: `<name> <hash1> <hash2> …` columns in the order of checksums_hashes_order (rhash -a).
 */
export type ChecksumFormat = "sha256sum" | "bare" | "bsd" | "rhash";

export interface ChecksumSpec {
  role: "checksums";
  format: ChecksumFormat;
  /** Asset names (or host paths) it lists, in order. */
  covers: string[];
  /** The name written in the document for a covered asset (default: the asset's own name). */
  nameInDoc?: (asset: string) => string;
  /** `bare`/`sha256sum`: the algorithm (default sha256; dl.k8s.io also has .sha512 files). */
  algorithm?: "sha256" | "sha512";
  /** `bare`: no trailing newline (dl.k8s.io's .sha256 files). */
  noNewline?: boolean;
}

export interface OtherSpec {
  role: "other";
}

/** A small text document with known content (yq's checksums_hashes_order, extract-checksum.sh). */
export interface TextSpec {
  role: "text";
  content: string;
}

export type AssetSpec = BuildSpec | ChecksumSpec | OtherSpec | TextSpec;

export interface CatalogToolSpec {
  /** Matches CatalogToolData.id. */
  id: string;
  /** The shapes this tool covers (printed by the consistency test). */
  shapes: string[];
  /** The first line `<bin> --version` prints. */
  versionLine(version: string): string;
  /** What `name` is in the release `tag` (version = the tag without its prefix); `all` = every name of the release. */
  asset(version: string, name: string, all: readonly string[]): AssetSpec;
}

export const other: OtherSpec = { role: "other" };

export function toolScript(bin: string, versionLine: string, label: string): string {
  return [
    "#!/bin/sh",
    `# fake ${bin} (${label}) for devenv tests`,
    'case "$1" in',
    `  --version|-V|version) echo "${versionLine}"; exit 0 ;;`,
    "esac",
    `echo "${bin}: fake build, only --version works" >&2`,
    "exit 2",
    "",
  ].join("\n");
}

export const windowsStub = (bin: string, label: string): string => `MZ fake ${bin}.exe (${label}) for devenv tests\n`;

/** Filler bytes for assets nobody runs (signatures, SBOMs, packages, installers, source archives). */
export const filler = (name: string): Buffer => Buffer.from(`fake ${name} for devenv tests\n`);

const textFor = (path: string, label: string): string => `${path.split("/").pop()} of ${label} (fake, for devenv tests)\n`;

/** Parent directories of the paths, each once, outermost first. */
function parents(paths: string[]): string[] {
  const out = new Set<string>();
  for (const p of paths) {
    const parts = p.split("/");
    for (let i = 1; i < parts.length; i++) out.add(parts.slice(0, i).join("/"));
  }
  return [...out];
}

/** The bytes of a build: the raw executable, or an archive with the executable and its companions. */
export async function buildBytes(bin: string, versionLine: string, label: string, b: BuildSpec): Promise<Buffer> {
  const exeBody = b.windows ? windowsStub(bin, label) : toolScript(bin, versionLine, label);
  if (b.format === "raw") return Buffer.from(exeBody);
  const files = [b.exe, ...(b.extra ?? [])];
  const zipPlain = b.format === "zip" && b.plainZip;
  const entries: Entry[] = [
    ...(b.format === "zip" ? [] : parents(files).map((d): Entry => ({ path: d, type: "dir" }))),
    { path: b.exe, content: exeBody, mode: b.windows || zipPlain ? 0o644 : 0o755 },
    ...(b.extra ?? []).map((p): Entry => ({ path: p, content: textFor(p, label), mode: 0o644 })),
  ];
  if (b.format === "zip") return zipEntries(entries);
  const tar = tarEntries(entries);
  return b.format === "tar.gz" ? gzip(tar) : xz(tar);
}

// ---------------------------------------------------------------- checksum documents

/** rhash's hash names, as `rhash --list-hashes` prints them (checksums_hashes_order) and as --bsd labels them. */
export const RHASH_ALGOS: readonly { list: string; bsd: string; node?: string; hexLen: number }[] = [
  { list: "CRC32", bsd: "CRC32", hexLen: 8 },
  { list: "MD4", bsd: "MD4", hexLen: 32 },
  { list: "MD5", bsd: "MD5", node: "md5", hexLen: 32 },
  { list: "SHA1", bsd: "SHA1", node: "sha1", hexLen: 40 },
  { list: "TIGER", bsd: "TIGER", hexLen: 48 },
  { list: "TTH", bsd: "TTH", hexLen: 39 },
  { list: "BTIH", bsd: "BTIH", hexLen: 40 },
  { list: "ED2K", bsd: "ED2K", hexLen: 32 },
  { list: "AICH", bsd: "AICH", hexLen: 32 },
  { list: "WHIRLPOOL", bsd: "WHIRLPOOL", hexLen: 128 },
  { list: "RIPEMD-160", bsd: "RMD160", hexLen: 40 },
  { list: "GOST94", bsd: "GOST94", hexLen: 64 },
  { list: "GOST94-CRYPTOPRO", bsd: "GOST94-CRYPTOPRO", hexLen: 64 },
  { list: "HAS-160", bsd: "HAS160", hexLen: 40 },
  { list: "GOST12-256", bsd: "GOST12-256", hexLen: 64 },
  { list: "GOST12-512", bsd: "GOST12-512", hexLen: 128 },
  { list: "SHA-224", bsd: "SHA224", node: "sha224", hexLen: 56 },
  { list: "SHA-256", bsd: "SHA256", node: "sha256", hexLen: 64 },
  { list: "SHA-384", bsd: "SHA384", node: "sha384", hexLen: 96 },
  { list: "SHA-512", bsd: "SHA512", node: "sha512", hexLen: 128 },
  { list: "EDON-R256", bsd: "EDON-R256", hexLen: 64 },
  { list: "EDON-R512", bsd: "EDON-R512", hexLen: 128 },
  { list: "SHA3-224", bsd: "SHA3-224", node: "sha3-224", hexLen: 56 },
  { list: "SHA3-256", bsd: "SHA3-256", node: "sha3-256", hexLen: 64 },
  { list: "SHA3-384", bsd: "SHA3-384", node: "sha3-384", hexLen: 96 },
  { list: "SHA3-512", bsd: "SHA3-512", node: "sha3-512", hexLen: 128 },
  { list: "SNEFRU-128", bsd: "SNEFRU128", hexLen: 32 },
  { list: "SNEFRU-256", bsd: "SNEFRU256", hexLen: 64 },
  { list: "BLAKE2S", bsd: "BLAKE2S", node: "blake2s256", hexLen: 64 },
  { list: "BLAKE2B", bsd: "BLAKE2B", node: "blake2b512", hexLen: 128 },
];

/** `rhash --list-hashes` output (yq's checksums_hashes_order): SHA-256 is the 18th name, as public scripts reading yq's checksums assume (column 19). */
export const rhashHashesOrder = (): string => RHASH_ALGOS.map((a) => `${a.list}\n`).join("");

/** Split `<stem>.<ext>` for the archive extensions the tools use. */
export function splitExt(name: string): { stem: string; ext: "tar.gz" | "tar.xz" | "zip" | "" } {
  const m = /^(.*)\.(tar\.gz|tar\.xz|zip)$/.exec(name);
  return m ? { stem: m[1]!, ext: m[2] as "tar.gz" | "tar.xz" | "zip" } : { stem: name, ext: "" };
}

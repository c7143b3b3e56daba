/**
 * The download formats devenv unpacks, and what a URL's extension says about them. Shared by
 * recipes (formatOf for inline tools and every lock entry's check), the lock schema and the store.
 */
import type { ArchiveFormat } from "./types.js";

/** Every format, in the order the lock schema lists them. */
export const ARCHIVE_FORMATS = ["tar.gz", "tar.xz", "tar.zst", "tar.bz2", "tar", "zip", "gz", "xz", "zst", "bz2", "raw"] as const satisfies readonly ArchiveFormat[];

/** One compressed file (not an archive of entries): unpacked to one file named after the download. */
export type SingleFileFormat = "gz" | "xz" | "zst" | "bz2";

/** The extension each single-file format has at the end of its URL. */
const SINGLE_EXT: Record<SingleFileFormat, string> = { gz: ".gz", xz: ".xz", zst: ".zst", bz2: ".bz2" };

export const isSingleFile = (format: ArchiveFormat): format is SingleFileFormat => format in SINGLE_EXT;

/**
 * URL endings, longest match first within each family: ".tar.gz" before ".gz". A URL with none of
 * them is a plain file ("raw").
 */
const ENDINGS: ReadonlyArray<readonly [string, ArchiveFormat]> = [
  [".tar.gz", "tar.gz"], [".tgz", "tar.gz"],
  [".tar.xz", "tar.xz"], [".txz", "tar.xz"],
  [".tar.zst", "tar.zst"], [".tzst", "tar.zst"],
  [".tar.bz2", "tar.bz2"], [".tbz2", "tar.bz2"], [".tbz", "tar.bz2"],
  [".tar", "tar"],
  [".zip", "zip"],
  [".gz", "gz"], [".xz", "xz"], [".zst", "zst"], [".bz2", "bz2"],
];

/** The path of a URL, without query and fragment, lower-cased (extensions are matched case-insensitively). */
const pathOf = (url: string): string => url.replace(/[?#].*$/, "").toLowerCase();

/** The format a download has by its URL's extension (query and fragment ignored, case-insensitive). */
export function formatOfUrl(url: string): ArchiveFormat {
  const path = pathOf(url);
  for (const [ending, format] of ENDINGS) if (path.endsWith(ending)) return format;
  return "raw";
}

/** The extensions, as error hints list them. */
export const EXTENSIONS_TEXT = ".tar.gz/.tgz, .tar.xz/.txz, .tar.zst/.tzst, .tar.bz2/.tbz2/.tbz, .tar, .zip, .gz, .xz, .zst, .bz2 or none for a plain file";

/**
 * The name a single compressed file is unpacked as: the last segment of the URL's path
 * (percent-decoding undone), without the format's extension — `tool-linux-amd64.gz` gives
 * `tool-linux-amd64`, as aqua names it. Undefined when that leaves no usable file name (empty,
 * `.`, `..`, or a `/` or NUL smuggled in as %2F / %00).
 */
export function singleFileName(url: string, format: SingleFileFormat): string | undefined {
  const path = url.replace(/[?#].*$/, "");
  let name = path.slice(path.lastIndexOf("/") + 1);
  try {
    name = decodeURIComponent(name);
  } catch {
    /* not valid percent-encoding: the segment as it is */
  }
  const ext = SINGLE_EXT[format];
  if (name.toLowerCase().endsWith(ext)) name = name.slice(0, -ext.length);
  if (name === "" || name === "." || name === ".." || name.includes("/") || name.includes("\0")) return undefined;
  return name;
}

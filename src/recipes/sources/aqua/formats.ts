/**
 * aqua's archive formats as devenv unpacks them, and aqua's file-name extension rules: which
 * extensions it recognises on an asset name, and `append_ext` (a format is added to an asset or URL
 * that has no extension of its own). Pure.
 */
import { type AquaArchive, AquaUnsupportedError } from "./types.js";


/** The extensions aqua recognises at the end of an asset name, longest forms first (its order). */
const EXTENSIONS = ["tar.br", "tar.bz2", "tar.gz", "tar.lz4", "tar.sz", "tar.xz", "tbr", "tbz", "tbz2", "tgz", "tlz4", "tsz", "txz", "tar.zst", "zip", "gz", "bz2", "lz4", "sz", "xz", "zst", "dmg", "pkg", "rar", "tar"];

/** An asset name without its archive extension, and the extension ("raw" when none is recognised). */
export function splitExt(asset: string): { base: string; ext: string } {
  for (const ext of EXTENSIONS) if (asset.endsWith(`.${ext}`)) return { base: asset.slice(0, -ext.length - 1), ext };
  return { base: asset, ext: "raw" };
}

/** aqua's append_ext: a name without a recognised extension gets `.<format>` (unless the format is raw or unset). */
export function appendExt(s: string, format: string): string {
  if (splitExt(s).ext !== "raw" || format === "raw" || format === "" || s.endsWith(`.${format}`)) return s;
  return `${s}.${format}`;
}

const ARCHIVES: Record<string, AquaArchive> = {
  "tar.gz": "tar.gz", tgz: "tar.gz",
  "tar.xz": "tar.xz", txz: "tar.xz",
  "tar.zst": "tar.zst", tzst: "tar.zst",
  "tar.bz2": "tar.bz2", tbz: "tar.bz2", tbz2: "tar.bz2",
  tar: "tar", zip: "zip", raw: "raw",
  gz: "gz", xz: "xz", zst: "zst", bz2: "bz2",
};

/** aqua treats a download as a plain file when the format says raw, or no format is set and the name has no extension (or .exe/.jar). */
export function isPlainFile(format: string, asset: string): boolean {
  if (format === "raw") return true;
  if (format !== "") return false;
  const base = asset.slice(asset.lastIndexOf("/") + 1);
  const dot = base.lastIndexOf(".");
  const ext = dot < 0 ? "" : base.slice(dot);
  return ext === "" || ext === ".exe" || ext === ".jar";
}

/**
 * How devenv unpacks the download: the entry's format, or (no format set) the asset name's extension,
 * a name with none being a plain file. dmg, pkg, 7z and the rarer compressions are refused by name.
 */
export function archiveOf(pkg: string, format: string, asset: string): { format: string; archive: AquaArchive } {
  const f = format !== "" ? format : isPlainFile(format, asset) ? "raw" : splitExt(asset).ext;
  const archive = ARCHIVES[f];
  if (!archive) throw new AquaUnsupportedError(pkg, `format ${f}`);
  return { format: f, archive };
}

/**
 * junegunn/fzf: `fzf-<v>-<os>_<arch>.tar.gz` (linux) / `.zip` (darwin, windows) holding `fzf` alone
 * at the root; `fzf_<v>_checksums.txt` per release; tags without `v` up to 0.53.0.
 */
import { other, splitExt, type CatalogToolSpec } from "./kit.js";

export const fzf: CatalogToolSpec = {
  id: "fzf",
  shapes: [
    "tar.gz on linux, zip on macOS (version_overrides up to 0.54.1)",
    "binary alone at the archive root",
    "checksum file per release: fzf_<v>_checksums.txt",
  ],
  versionLine: (v) => `${v} (fake)`,
  asset(v, name, all) {
    if (name === `fzf_${v}_checksums.txt`) return { role: "checksums", format: "sha256sum", covers: all.filter((n) => n !== name) };
    const { stem, ext } = splitExt(name);
    if (!ext) return other;
    const windows = stem.includes("windows");
    return { role: "build", format: ext, windows, exe: windows ? "fzf.exe" : "fzf" };
  },
};

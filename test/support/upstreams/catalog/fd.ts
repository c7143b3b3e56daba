/**
 * sharkdp/fd: `fd-v<v>-<triple>.tar.gz` (windows .zip) holding `fd-v<v>-<triple>/fd` beside docs,
 * man page and completions; no checksum file (both releases predate GitHub digests: a lock needs the
 * first-download opt-in). 9.0.0 has no aarch64-apple-darwin build.
 */
import { other, splitExt, type CatalogToolSpec } from "./kit.js";

const DOCS = ["README.md", "LICENSE-MIT", "LICENSE-APACHE", "CHANGELOG.md", "fd.1", "autocomplete/fd.bash", "autocomplete/fd.fish", "autocomplete/_fd", "autocomplete/fd.ps1"];

export const fd: CatalogToolSpec = {
  id: "fd",
  shapes: [
    "tar.gz with the binary in a subdir {{.AssetWithoutExt}}/",
    "no checksum file and no digest (2023/2024 releases): first-download opt-in",
    "platform gaps: 9.0.0 has no aarch64-apple-darwin build",
  ],
  versionLine: (v) => `fd ${v}`,
  asset(_v, name) {
    const { stem, ext } = splitExt(name);
    if (!ext) return other; // .deb
    const windows = stem.includes("windows");
    return { role: "build", format: ext, windows, exe: `${stem}/${windows ? "fd.exe" : "fd"}`, extra: DOCS.map((d) => `${stem}/${d}`) };
  },
};

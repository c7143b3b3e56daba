/**
 * BurntSushi/ripgrep: `ripgrep-<v>-<triple>.tar.gz` (windows: .zip) holding `ripgrep-<v>-<triple>/rg`
 * beside its docs and completions; tags without `v`. 15.1.0 has a `<asset>.sha256` sidecar per asset
 * (`shasum -a 256` output); 13.0.0 none, and no arm64 builds (aqua's `semver("<= 13.0.0")` override).
 */
import { other, splitExt, type CatalogToolSpec } from "./kit.js";

const DOCS = ["README.md", "COPYING", "LICENSE-MIT", "UNLICENSE", "CHANGELOG.md", "FAQ.md", "GUIDE.md", "doc/rg.1", "complete/_rg", "complete/_rg.ps1", "complete/rg.bash", "complete/rg.fish"];

export const ripgrep: CatalogToolSpec = {
  id: "ripgrep",
  shapes: [
    "tar.gz with the binary in a subdir ripgrep-<v>-<triple>/ beside README/LICENSE/completions",
    "checksum per asset: <asset>.sha256 (15.1.0)",
    "version_overrides: 13.0.0 (x86_64 only, no .sha256; darwin/arm64 by rosetta2)",
    "linux amd64 musl vs arm64 gnu (overrides by goarch)",
    "zip on windows",
  ],
  versionLine: (v) => `ripgrep ${v}`,
  asset(v, name) {
    if (name.endsWith(".sha256")) return { role: "checksums", format: "sha256sum", covers: [name.slice(0, -".sha256".length)] };
    const { stem, ext } = splitExt(name);
    if (!ext || !stem.startsWith(`ripgrep-${v}-`)) return other; // .deb
    const windows = stem.includes("windows");
    return { role: "build", format: ext, windows, exe: `${stem}/${windows ? "rg.exe" : "rg"}`, extra: DOCS.map((d) => `${stem}/${d}`) };
  },
};

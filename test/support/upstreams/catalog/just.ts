/**
 * casey/just: `just-<v>-<triple>.tar.gz` (windows .zip) with `just` at the root beside README,
 * LICENSE, the man page and completions; tags without `v`; a SHA256SUMS the aqua entry does not use
 * (so the lock takes the digest or the first-download opt-in).
 */
import { other, splitExt, type CatalogToolSpec } from "./kit.js";

const DOCS = ["README.md", "LICENSE", "GRAMMAR.md", "just.1", "completions/just.bash", "completions/just.fish", "completions/just.zsh", "completions/just.powershell"];

export const just: CatalogToolSpec = {
  id: "just",
  shapes: [
    "tar.gz with the binary at the root beside README/LICENSE/completions",
    "tags without v",
    "a checksum file (SHA256SUMS) the aqua entry does not name",
  ],
  versionLine: (v) => `just ${v}`,
  asset(_v, name, all) {
    if (name === "SHA256SUMS") return { role: "checksums", format: "sha256sum", covers: all.filter((n) => n !== name) };
    const { stem, ext } = splitExt(name);
    if (!ext) return other;
    const windows = stem.includes("windows");
    return { role: "build", format: ext, windows, exe: windows ? "just.exe" : "just", extra: DOCS };
  },
};

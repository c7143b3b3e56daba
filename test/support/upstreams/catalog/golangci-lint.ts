/**
 * golangci/golangci-lint: `golangci-lint-<v>-<os>-<arch>.tar.gz` (windows .zip) holding
 * `golangci-lint-<v>-<os>-<arch>/golangci-lint` with LICENSE and README; one
 * `golangci-lint-<v>-checksums.txt` per release (tags `v<v>`, names without the `v`).
 */
import { other, splitExt, type CatalogToolSpec } from "./kit.js";

export const golangciLint: CatalogToolSpec = {
  id: "golangci-lint",
  shapes: [
    "tar.gz with the binary in a subdir golangci-lint-<v>-<os>-<arch>/",
    "checksum file per release: golangci-lint-<v>-checksums.txt",
    "trimV in the asset template; a v1 and a v2 release",
  ],
  versionLine: (v) => `golangci-lint has version ${v} built with go1.24 (fake)`,
  asset(v, name, all) {
    if (name === `golangci-lint-${v}-checksums.txt`) return { role: "checksums", format: "sha256sum", covers: all.filter((n) => n !== name) };
    const { stem, ext } = splitExt(name);
    if (!ext) return other; // .deb .rpm
    const windows = stem.includes("-windows-");
    return { role: "build", format: ext, windows, exe: `${stem}/golangci-lint${windows ? ".exe" : ""}`, extra: [`${stem}/LICENSE`, `${stem}/README.md`] };
  },
};

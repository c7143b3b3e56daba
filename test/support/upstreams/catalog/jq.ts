/**
 * jqlang/jq: raw binaries, tags `jq-<version>` (aqua `version_prefix: jq-`). 1.6 has the old names
 * (jq-linux64, jq-osx-amd64, jq-win64.exe) and no checksum file (aqua's `semver("<= 1.6")`
 * override); 1.7.1 and 1.8.1 have jq-<os>-<arch> and one `sha256sum.txt` for the release.
 */
import { other, type CatalogToolSpec } from "./kit.js";

export const jq: CatalogToolSpec = {
  id: "jq",
  shapes: [
    "version_prefix jq- (tags jq-1.7.1)",
    "single binary (raw asset)",
    "version_overrides: 1.6 (jq-linux64 / jq-osx-amd64 / jq-win64.exe, rosetta2, no checksum file)",
    "checksum file per release: sha256sum.txt (1.7.1, 1.8.1)",
    "GitHub digest era: 1.8.1 (2025-07-01) has digests, 1.7.1 and 1.6 not",
  ],
  versionLine: (v) => `jq-${v}`,
  asset(v, name, all) {
    if (name === "sha256sum.txt") return { role: "checksums", format: "sha256sum", covers: all.filter((n) => n !== name) };
    if (name.startsWith(`jq-${v}.`)) return other; // source archives
    return { role: "build", format: "raw", windows: name.endsWith(".exe"), exe: name };
  },
};

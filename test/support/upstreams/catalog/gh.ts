/**
 * cli/cli (gh): `gh_<v>_linux_<arch>.tar.gz` holding `gh_<v>_linux_<arch>/bin/gh`; macOS a tar.gz up to
 * 2.23.0 (amd64 only) and a zip from 2.28.0; windows zip with `bin/gh.exe` at its root; one
 * `gh_<v>_checksums.txt` per release covering every other asset.
 */
import { other, splitExt, type CatalogToolSpec } from "./kit.js";

export const gh: CatalogToolSpec = {
  id: "gh",
  shapes: [
    "tar.gz with bin/gh in a subdir on linux",
    "zip on macOS (2.45.0)",
    "version_overrides: 2.23.0 (macOS tar.gz, amd64 only: rosetta2 on darwin/arm64)",
    "checksum file per release: gh_<v>_checksums.txt",
    "windows zip with bin/gh.exe at the root",
  ],
  versionLine: (v) => `gh version ${v}`,
  asset(v, name, all) {
    if (name === `gh_${v}_checksums.txt`) return { role: "checksums", format: "sha256sum", covers: all.filter((n) => n !== name) };
    const { stem, ext } = splitExt(name);
    if (!ext) return other; // .deb .rpm .msi
    if (stem.includes("_windows_")) return { role: "build", format: ext, windows: true, exe: "bin/gh.exe", extra: ["LICENSE"] };
    return { role: "build", format: ext, windows: false, exe: `${stem}/bin/gh`, extra: [`${stem}/LICENSE`, `${stem}/share/man/man1/gh.1`] };
  },
};

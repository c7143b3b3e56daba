/**
 * jesseduffield/lazygit: `lazygit_<v>_<OS>_<arch>.tar.gz` (Windows .zip) with `lazygit` at the root
 * beside LICENSE and README, OS capitalised (Darwin/Linux/Windows, freebsd not) and arches as
 * x86_64/arm64/armv6/32-bit; one `checksums.txt` per release.
 */
import { splitExt, type CatalogToolSpec } from "./kit.js";

export const lazygit: CatalogToolSpec = {
  id: "lazygit",
  shapes: [
    "tar.gz with the binary at the root; capitalised OS names and x86_64/32-bit arches",
    "checksum file per release: checksums.txt",
  ],
  versionLine: (v) => `commit=fake, build date=2024-07-13, build source=binaryRelease, version=${v}, os=linux, arch=amd64`,
  asset(_v, name, all) {
    if (name === "checksums.txt") return { role: "checksums", format: "sha256sum", covers: all.filter((n) => n !== name) };
    const { stem, ext } = splitExt(name);
    const windows = stem.includes("_Windows_");
    return { role: "build", format: ext || "raw", windows, exe: windows ? "lazygit.exe" : "lazygit", extra: ["LICENSE", "README.md"] };
  },
};

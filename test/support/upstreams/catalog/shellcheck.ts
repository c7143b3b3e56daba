/**
 * koalaman/shellcheck: `shellcheck-v<v>.<os>.<arch>.tar.xz` holding `shellcheck-v<v>/shellcheck`
 * with its LICENSE and README; one windows zip `shellcheck-v<v>.zip` (shellcheck.exe at the root);
 * no checksum file: 0.11.0 (2025-08) has GitHub digests, 0.10.0 only the first-download opt-in.
 */
import { splitExt, type CatalogToolSpec } from "./kit.js";

export const shellcheck: CatalogToolSpec = {
  id: "shellcheck",
  shapes: [
    "tar.xz with the binary in a subdir shellcheck-v<v>/",
    "no checksum file: GitHub digest (0.11.0) vs first-download opt-in (0.10.0)",
    "windows: one zip for all arches, binary at the root",
  ],
  versionLine: (v) => `ShellCheck - shell script analysis tool\nversion: ${v}`,
  asset(v, name) {
    const { ext } = splitExt(name);
    if (ext === "zip") return { role: "build", format: "zip", windows: true, exe: "shellcheck.exe", extra: ["LICENSE.txt", "README.txt"] };
    const dir = `shellcheck-v${v}`;
    return { role: "build", format: "tar.xz", windows: false, exe: `${dir}/shellcheck`, extra: [`${dir}/LICENSE.txt`, `${dir}/README.txt`] };
  },
};

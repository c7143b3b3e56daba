/**
 * go-task/task: `task_<os>_<arch>.tar.gz` (windows .zip) with `task` at the root beside LICENSE,
 * README and completions; one `task_checksums.txt` per release. 3.44.0 (2025-06-08) has digests.
 */
import { other, splitExt, type CatalogToolSpec } from "./kit.js";

const DOCS = ["LICENSE", "README.md", "completion/bash/task.bash", "completion/fish/task.fish", "completion/zsh/_task", "completion/ps/task.ps1"];

export const task: CatalogToolSpec = {
  id: "task",
  shapes: [
    "tar.gz with the binary at the root (no version in the asset name)",
    "checksum file per release: task_checksums.txt",
    "GitHub digest era: 3.44.0 (2025-06-08) has digests, 3.38.0 not",
  ],
  versionLine: (v) => `Task version: v${v}`,
  asset(_v, name, all) {
    if (name === "task_checksums.txt") return { role: "checksums", format: "sha256sum", covers: all.filter((n) => n !== name) };
    const { stem, ext } = splitExt(name);
    if (!ext) return other; // .deb .rpm
    const windows = stem.startsWith("task_windows_");
    return { role: "build", format: ext, windows, exe: windows ? "task.exe" : "task", extra: DOCS };
  },
};

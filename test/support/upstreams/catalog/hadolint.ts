/**
 * hadolint/hadolint: raw binaries with a `<asset>.sha256` beside each. 2.12.0 spells the OS
 * Darwin/Linux/Windows (aqua's `<= 2.12.1-beta` override, rosetta2 on darwin/arm64) and its .sha256
 * bodies name the file in lower case (hadolint-linux-x86_64); 2.14.0 uses linux/macos/windows.
 */
import type { CatalogToolSpec } from "./kit.js";

export const hadolint: CatalogToolSpec = {
  id: "hadolint",
  shapes: [
    "single binary (raw asset)",
    "checksum per asset: <asset>.sha256",
    "version_overrides: 2.12.0 (Darwin/Linux/Windows, x86_64 only on macOS: rosetta2)",
    "a checksum body naming the file in another case than the asset (2.12.0)",
    "GitHub digest era: 2.14.0",
  ],
  versionLine: (v) => `Haskell Dockerfile Linter ${v}`,
  asset(_v, name) {
    if (name.endsWith(".sha256")) {
      const target = name.slice(0, -".sha256".length);
      return { role: "checksums", format: "sha256sum", covers: [target], nameInDoc: (n) => n.toLowerCase() };
    }
    return { role: "build", format: "raw", windows: name.endsWith(".exe"), exe: name };
  },
};

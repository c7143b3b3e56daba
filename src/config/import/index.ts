/**
 * `devenv import`'s files: which names it knows, and parsing each into what it asks for in its own
 * words (translate.ts maps that onto devenv's tools and ranges). Pure: the caller reads the bytes.
 */
import { DevenvError } from "../../errors.js";
import { parseToolVersions, parseVersionFile } from "./line-files.js";
import { decodeText } from "./text.js";
import { parseMiseToml, parseRustToolchainToml } from "./toml-files.js";
import type { ImportKind, ParsedFile } from "./types.js";

export * from "./types.js";
export { planImport, type ImportPlan, type PlannedTool } from "./translate.js";
export { MAX_IMPORT_BYTES } from "./text.js";

/** The files `devenv import` looks for, in the order it reads them. */
export const IMPORT_FILES: ReadonlyArray<readonly [string, ImportKind]> = [
  [".tool-versions", "tool-versions"],
  ["mise.toml", "mise"],
  [".mise.toml", "mise"],
  [".nvmrc", "nvmrc"],
  [".node-version", "node-version"],
  [".python-version", "python-version"],
  ["rust-toolchain.toml", "rust-toolchain-toml"],
  ["rust-toolchain", "rust-toolchain"],
];

/** The kind of a file by its base name (`mise.local.toml` and `.config/mise.toml` read as mise's). */
export function importKind(base: string): ImportKind | undefined {
  const known = IMPORT_FILES.find(([n]) => n === base)?.[1];
  if (known) return known;
  return /^\.?mise(\.[a-z0-9_-]+)?\.toml$/.test(base) ? "mise" : undefined;
}

export function unknownImportFile(file: string): DevenvError {
  return new DevenvError("USAGE", `${file}: not a file devenv import knows`, {
    hint: `It reads ${IMPORT_FILES.map(([n]) => n).join(", ")} (by name).`,
  });
}

/** Parse a version file's bytes; `file` is the name messages give it. */
export function parseImportFile(kind: ImportKind, bytes: Uint8Array, file: string): ParsedFile {
  const text = decodeText(bytes, file);
  switch (kind) {
    case "tool-versions":
      return parseToolVersions(text, file);
    case "nvmrc":
    case "node-version":
      return parseVersionFile(text, file, "node", false);
    case "python-version":
      return parseVersionFile(text, file, "python", true);
    case "rust-toolchain":
      // rustup reads TOML in the legacy file name too.
      return /^\s*\[toolchain\]/m.test(text) ? parseRustToolchainToml(text, file) : parseVersionFile(text, file, "rust", false);
    case "rust-toolchain-toml":
      return parseRustToolchainToml(text, file);
    case "mise":
      return parseMiseToml(text, file);
  }
}

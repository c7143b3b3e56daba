/**
 * The line-based version files: asdf's `.tool-versions` (`tool version [fallback…]` per line), nvm's
 * `.nvmrc`, `.node-version`, pyenv's `.python-version` (one version a line, the first wins) and the
 * legacy one-line `rust-toolchain`. `#` starts a comment. Pure.
 */
import { splitLines, uncomment } from "./text.js";
import type { ImportEntry, NotMapped, ParsedFile } from "./types.js";

export function parseToolVersions(text: string, file: string): ParsedFile {
  const entries: ImportEntry[] = [];
  const notMapped: NotMapped[] = [];
  splitLines(text).forEach((raw, i) => {
    const words = uncomment(raw).split(/[ \t]+/).filter(Boolean);
    if (!words.length) return;
    const [tool, version, ...others] = words as [string, ...string[]];
    if (version === undefined) {
      notMapped.push({ file, line: i + 1, what: tool, why: "no version after the tool name" });
      return;
    }
    entries.push({ file, line: i + 1, tool, version, ...(others.length ? { others } : {}) });
  });
  return { entries, notMapped };
}

/** The versions of a one-tool file, one a line, each with its line number. */
function versionLines(text: string): Array<{ line: number; version: string }> {
  const out: Array<{ line: number; version: string }> = [];
  splitLines(text).forEach((raw, i) => {
    const v = uncomment(raw);
    if (v) out.push({ line: i + 1, version: v });
  });
  return out;
}

/**
 * A file naming one tool's version: the first version line is it. pyenv reads further lines as
 * more versions on PATH (`others`); for nvm and rustup a second line is not part of the format.
 */
export function parseVersionFile(text: string, file: string, tool: string, multi: boolean): ParsedFile {
  const [first, ...rest] = versionLines(text);
  if (!first) return { entries: [], notMapped: [{ file, what: "(empty)", why: "the file names no version" }] };
  if (multi) {
    return { entries: [{ file, line: first.line, tool, version: first.version, ...(rest.length ? { others: rest.map((r) => r.version) } : {}) }], notMapped: [] };
  }
  return {
    entries: [{ file, line: first.line, tool, version: first.version }],
    notMapped: rest.map((r) => ({ file, line: r.line, what: r.version, why: `only the first line of ${file} names the version` })),
  };
}

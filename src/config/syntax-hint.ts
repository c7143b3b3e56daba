/**
 * A parser reports a missing comma where it notices it: at the next line's first token
 * (`Expected "}" but found "zig"`). When the error sits there and the line before it ends a value,
 * the mistake is most likely the comma missing at the end of that line. Pure.
 */

export interface MissingComma {
  /** 1-based line and column just past the value that lacks its comma. */
  line: number;
  column: number;
}

/** esbuild's "a list or object should have ended here" errors, found at a token (not at the end of the file). */
const CLOSER_EXPECTED = /^Expected "[}\])]" but found "/;

/** What can end a property value or a list element: a literal, a name, a closing bracket, a template. */
const ENDS_VALUE = /["'`\w$)\]}]$/;

/** The line without a trailing `// comment` (outside strings, as far as a line can tell). */
function withoutLineComment(line: string): string {
  let quote = "";
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = "";
    } else if (c === '"' || c === "'" || c === "`") quote = c;
    else if (c === "/" && line[i + 1] === "/") return line.slice(0, i);
  }
  return line;
}

/**
 * Where a comma is probably missing, given the source and the error (message, 1-based line,
 * 0-based column as esbuild gives them); undefined when the error does not look like one.
 */
export function missingCommaBefore(source: string, text: string, line: number, column: number): MissingComma | undefined {
  if (!CLOSER_EXPECTED.test(text)) return undefined;
  const lines = source.split(/\r?\n/);
  const here = lines[line - 1];
  if (here === undefined || here.slice(0, column).trim() !== "") return undefined; // not the line's first token
  for (let n = line - 1; n >= 1; n--) {
    const code = withoutLineComment(lines[n - 1]!).trimEnd();
    if (code.trim() === "" || /^\s*(\/\*.*\*\/\s*)?$/.test(code)) continue; // blank or comment-only
    return ENDS_VALUE.test(code) ? { line: n, column: code.length + 1 } : undefined;
  }
  return undefined;
}

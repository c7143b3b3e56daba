/** Plain-text helpers for editing devenv.ts in place: scanning past comments, finding lines, splicing. */

export interface Splice {
  start: number;
  end: number;
  text: string;
}

/** Apply splices to `src`. Splices at the same position land in the order they were given. */
export function applySplices(src: string, splices: Splice[]): string {
  const ordered = splices.map((s, i) => ({ s, i })).sort((a, b) => b.s.start - a.s.start || b.i - a.i);
  let out = src;
  for (const { s } of ordered) out = out.slice(0, s.start) + s.text + out.slice(s.end);
  return out;
}

/** Index of the line break at `i` (`\n` or the `\r` of `\r\n`), or of the end of the line containing `i`. */
function lineBreakFrom(src: string, i: number): number {
  const nl = src.indexOf("\n", i);
  if (nl < 0) return src.length;
  return src[nl - 1] === "\r" && nl - 1 >= i ? nl - 1 : nl;
}

/** First index at or after `pos` that is not whitespace or a comment; with `sameLine`, stops at a line break. */
export function skipTrivia(src: string, pos: number, sameLine = false): number {
  let i = pos;
  for (;;) {
    const c = src[i];
    if (c === " " || c === "\t" || (!sameLine && (c === "\n" || c === "\r"))) i++;
    else if (src.startsWith("//", i)) i = lineBreakFrom(src, i);
    else if (src.startsWith("/*", i)) {
      const close = src.indexOf("*/", i + 2);
      i = close < 0 ? src.length : close + 2;
    } else return i;
  }
}

/** Position of the comma following `pos` (past comments), or -1. */
export function commaAfter(src: string, pos: number): number {
  const i = skipTrivia(src, pos);
  return src[i] === "," ? i : -1;
}

/** If only spaces and comments follow `pos` on its line, the position of the line break (or end of text); else -1. */
export function restOfLineEnd(src: string, pos: number): number {
  const i = skipTrivia(src, pos, true);
  return i >= src.length || src[i] === "\n" || src.startsWith("\r\n", i) ? i : -1;
}

/** Length of the line break at `i` (0 at end of text). */
export const breakLength = (src: string, i: number): number => (src.startsWith("\r\n", i) ? 2 : i < src.length ? 1 : 0);

export const lineStart = (src: string, pos: number): number => src.lastIndexOf("\n", pos - 1) + 1;

/** Whether only spaces precede `pos` on its line. */
export const startsLine = (src: string, pos: number): boolean => /^[ \t]*$/.test(src.slice(lineStart(src, pos), pos));

/** The leading whitespace of the line containing `pos`. */
export const indentOf = (src: string, pos: number): string => /^[ \t]*/.exec(src.slice(lineStart(src, pos)))?.[0] ?? "";

export const hasBreak = (src: string, start: number, end: number): boolean => src.slice(start, end).includes("\n");

export const eolOf = (src: string): string => (src.includes("\r\n") ? "\r\n" : "\n");

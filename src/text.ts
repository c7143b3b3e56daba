/**
 * Text that goes to a terminal. A directory name may hold any byte but NUL, terminal escapes
 * included (`\x1b]0;title\x07`, `\x1b[2J`): printed raw they would retitle, clear or recolour the
 * user's terminal, and a newline in a path would make a message look like two. Pure.
 */

const hex = (c: string) => {
  const n = c.codePointAt(0)!;
  return n < 0x100 ? `\\x${n.toString(16).padStart(2, "0")}` : `\\u${n.toString(16).padStart(4, "0")}`;
};

// C0 controls, DEL, C1 controls (U+0080–U+009F: some terminals take U+009B as CSI), and the invisible
// formatting characters that make text read otherwise than it is (zero-width, bidi overrides, BOM).
const INVISIBLE = "\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff";
const ALL_CONTROLS = new RegExp(`[\\x00-\\x1f\\x7f-\\x9f${INVISIBLE}]`, "g");
const CONTROLS_BUT_LAYOUT = new RegExp(`[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f${INVISIBLE}]`, "g");
/** Whether a string holds a character showPath would escape. */
export const hasControl = (s: string): boolean => {
  ALL_CONTROLS.lastIndex = 0;
  return ALL_CONTROLS.test(s);
};

/**
 * A path (or any one-line value) as it can be printed: control characters written `\xHH`
 * (`\n`, `\t`, `\r` by name) and, so that the result reads back unambiguously, `\` as `\\`
 * when there is anything to escape.
 */
export function showPath(p: string): string {
  if (!hasControl(p)) return p;
  return p.replace(new RegExp(`[\\\\${ALL_CONTROLS.source.slice(1)}`, "g"), (c) => (c === "\\" ? "\\\\" : c === "\n" ? "\\n" : c === "\t" ? "\\t" : c === "\r" ? "\\r" : hex(c)));
}

/** A value as it may be quoted in a message: in double quotes, control characters escaped, cut at 80. */
export function shown(value: string): string {
  const q = JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  // JSON escapes only C0 controls: escape the others too, so a terminal shows them as text.
  return q.replace(ALL_CONTROLS, hex);
}

/**
 * A whole message (several lines, a hint) as it can be printed: control characters other than
 * newline and tab written `\xHH`. The last guard for text that may quote a path somewhere inside.
 */
export const safeText = (s: string): string => s.replace(CONTROLS_BUT_LAYOUT, hex);

/**
 * Text that goes to a terminal. A directory name may hold any byte but NUL, terminal escapes
 * included (`\x1b]0;title\x07`, `\x1b[2J`): printed raw they would retitle, clear or recolour the
 * user's terminal, and a newline in a path would make a message look like two. Pure.
 */

const hex = (c: string) => {
  const n = c.codePointAt(0)!;
  return n < 0x100 ? `\\x${n.toString(16).padStart(2, "0")}` : `\\u${n.toString(16).padStart(4, "0")}`;
};

// C0 controls, DEL, C1 controls (U+0080–U+009F: some terminals take U+009B as CSI).
const ALL_CONTROLS = /[\x00-\x1f\x7f-\x9f]/g;
const CONTROLS_BUT_LAYOUT = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

/**
 * A path (or any one-line value) as it can be printed: control characters written `\xHH`
 * (`\n`, `\t`, `\r` by name) and, so that the result reads back unambiguously, `\` as `\\`
 * when there is anything to escape.
 */
export function showPath(p: string): string {
  ALL_CONTROLS.lastIndex = 0;
  if (!ALL_CONTROLS.test(p)) return p;
  return p.replace(/[\\\x00-\x1f\x7f-\x9f]/g, (c) => (c === "\\" ? "\\\\" : c === "\n" ? "\\n" : c === "\t" ? "\\t" : c === "\r" ? "\\r" : hex(c)));
}

/**
 * A whole message (several lines, a hint) as it can be printed: control characters other than
 * newline and tab written `\xHH`. The last guard for text that may quote a path somewhere inside.
 */
export const safeText = (s: string): string => s.replace(CONTROLS_BUT_LAYOUT, hex);

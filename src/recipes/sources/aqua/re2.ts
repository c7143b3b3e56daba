/**
 * Go's regexp syntax (RE2), as the aqua registry's `checksum.pattern` values are written, read into
 * a JavaScript RegExp. The two agree on what the registry uses (classes, `\b`, `\s`, `\S`, `{n}`,
 * anchors, escaped parentheses); the few RE2 spellings JavaScript lacks are rewritten, and anything
 * that would mean something else (or nothing) in one of them is refused by name rather than guessed.
 */
import { DevenvError } from "../../../errors.js";

const POSIX_CLASSES: Record<string, string> = {
  alnum: "0-9A-Za-z", alpha: "A-Za-z", ascii: "\\x00-\\x7F", blank: "\\t ", cntrl: "\\x00-\\x1F\\x7F",
  digit: "0-9", graph: "!-~", lower: "a-z", print: " -~", punct: "!-\\/:-@\\[-`{-~", space: "\\t\\n\\v\\f\\r ",
  upper: "A-Z", word: "0-9A-Za-z_", xdigit: "0-9A-Fa-f",
};

export class Re2Error extends DevenvError {
  constructor(pattern: string, what: string) {
    super("CONFIG_SCHEMA", `checksum pattern ${JSON.stringify(pattern)}: ${what}`, {
      hint: "The aqua registry's checksum patterns are Go regular expressions (RE2) with one capture group; give the tool inline in devenv.ts if this one cannot be read.",
    });
    this.name = "Re2Error";
  }
}

/** A Go (RE2) pattern as a JavaScript RegExp with the same meaning, and how many capture groups it has. */
export function compileRe2(pattern: string): { re: RegExp; groups: number } {
  let src = pattern;
  let flags = "";
  const lead = /^\(\?([imsU]+)\)/.exec(src);
  if (lead) {
    for (const f of lead[1]!) {
      if (f === "i" || f === "s") flags += f;
      else if (f === "m") flags += "m";
      else throw new Re2Error(pattern, `the flag (?${f}) (ungreedy) has no JavaScript equivalent`);
    }
    src = src.slice(lead[0].length);
  }
  src = rewriteEscapes(src, pattern);
  const bare = src.replace(/\\./g, "");
  for (const m of bare.matchAll(/\(\?(.?)(.?)/g)) {
    const [, a, b] = m;
    const ok = a === ":" || (a === "P" && b === "<") || (a === "<" && b !== "=" && b !== "!");
    if (!ok) throw new Re2Error(pattern, `uses the group form (?${a}${b}…), which is not RE2 or not translated (flags inside the pattern, look-around)`);
  }
  src = src
    .replace(/\(\?P</g, "(?<")
    .replace(/\[:(\^?)([a-z]+):\]/g, (_whole, neg: string, name: string) => {
      const cls = POSIX_CLASSES[name];
      if (!cls) throw new Re2Error(pattern, `unknown character class [:${name}:]`);
      if (neg) throw new Re2Error(pattern, `the negated class [:^${name}:] is not translated`);
      return cls;
    });
  let re: RegExp;
  try {
    re = new RegExp(src, flags);
  } catch (e) {
    throw new Re2Error(pattern, `not a valid regular expression (${(e as Error).message})`);
  }
  const groups = new RegExp(`${src}|`, flags).exec("")!.length - 1;
  return { re, groups };
}

/** \A and \z become ^ and $; \p, \C, \Q…\E and back-references are refused. */
function rewriteEscapes(src: string, pattern: string): string {
  let out = "";
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c !== "\\") {
      out += c;
      continue;
    }
    const n = src[i + 1] ?? "";
    i++;
    if (n === "A") out += "^";
    else if (n === "z") out += "$";
    else if ("pPCQE".includes(n) && n !== "") throw new Re2Error(pattern, `uses \\${n}, which devenv does not translate`);
    else if (/[1-9]/.test(n)) throw new Re2Error(pattern, "uses a back-reference, which RE2 lacks");
    else out += c + n;
  }
  return out;
}

/**
 * The expressions the aqua registry chooses `version_overrides` by (`version_constraint`): the
 * subset of expr-lang its snapshot uses — `true`/`false`, `Version == "v1.2.3"`, `!=`, `in [..]`,
 * `Version startsWith "cli-"`, `contains`, `matches`, `semver("<= 1.2.3")`, `semverWithVersion(">= 1", trimPrefix(Version,
 * "cli-"))`, `and`/`&&`, `or`/`||`, `not`, parentheses. Anything else is an error naming it. Pure.
 */
import { DevenvError } from "../../../errors.js";
import { compareGoVersions, parseGoVersion } from "./go-version.js";

type Value = string | boolean | string[];
export interface ConstraintData {
  Version: string;
  SemVer: string;
}

export class ConstraintError extends DevenvError {
  constructor(expr: string, why: string) {
    super("UNSUPPORTED_PLATFORM", `aqua version_constraint ${JSON.stringify(expr)}: ${why}`, {
      hint: "devenv reads the expressions the aqua registry uses; this one is not among them. Pin the tool with an inline url and sha256 instead.",
    });
    this.name = "ConstraintError";
  }
}

type Token = { t: "str"; v: string } | { t: "id"; v: string } | { t: "op"; v: string };

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) i++;
    else if (c === '"') {
      let v = "";
      for (i++; i < src.length && src[i] !== '"'; i++) v += src[i] === "\\" ? src[++i] : src[i];
      if (i >= src.length) throw new ConstraintError(src, "a string is never closed");
      i++;
      out.push({ t: "str", v });
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_]\w*/.exec(src.slice(i))![0];
      i += m.length;
      out.push({ t: "id", v: m });
    } else {
      const op = ["&&", "||", "==", "!=", "(", ")", "[", "]", ","].find((o) => src.startsWith(o, i));
      if (!op) throw new ConstraintError(src, `cannot read '${src.slice(i, i + 10)}'`);
      i += op.length;
      out.push({ t: "op", v: op });
    }
  }
  return out;
}

/** Evaluate `expr` for one version. */
export function evalConstraint(expr: string, data: ConstraintData): boolean {
  const r = evaluate(expr, data);
  if (typeof r !== "boolean") throw new ConstraintError(expr, "does not give true or false");
  return r;
}

/** Check an expression's shape without a version (every function and operator known). */
export function checkConstraint(expr: string): void {
  evaluate(expr, { Version: "v0.0.0", SemVer: "0.0.0" });
}

function evaluate(src: string, data: ConstraintData): Value {
  const toks = tokenize(src);
  let i = 0;
  const peek = () => toks[i];
  const isOp = (v: string) => peek()?.t === "op" && peek()!.v === v;
  const isId = (v: string) => peek()?.t === "id" && peek()!.v === v;
  const expect = (v: string) => {
    if (!isOp(v)) throw new ConstraintError(src, `expected '${v}'`);
    i++;
  };
  const or = (): Value => {
    let v = and();
    while (isOp("||") || isId("or")) {
      i++;
      const r = and();
      v = bool(v) || bool(r);
    }
    return v;
  };
  const and = (): Value => {
    let v = unary();
    while (isOp("&&") || isId("and")) {
      i++;
      const r = unary();
      v = bool(v) && bool(r);
    }
    return v;
  };
  const unary = (): Value => {
    if (isId("not")) {
      i++;
      return !bool(unary());
    }
    return comparison();
  };
  const comparison = (): Value => {
    const left = primary();
    if (isOp("==") || isOp("!=")) {
      const op = toks[i++]!.v;
      const right = primary();
      return op === "==" ? left === right : left !== right;
    }
    if (isId("startsWith")) {
      i++;
      return str(left).startsWith(str(primary()));
    }
    if (isId("contains")) {
      i++;
      return str(left).includes(str(primary()));
    }
    if (isId("matches")) {
      i++;
      // RE2 patterns the registry writes (\b[0-9a-f]{40}\b) read the same in JavaScript.
      return new RegExp(str(primary())).test(str(left));
    }
    if (isId("in")) {
      i++;
      const list = primary();
      if (!Array.isArray(list)) throw new ConstraintError(src, "'in' needs a list");
      return list.includes(str(left));
    }
    return left;
  };
  const primary = (): Value => {
    const t = toks[i++];
    if (!t) throw new ConstraintError(src, "ends too early");
    if (t.t === "str") return t.v;
    if (t.t === "op" && t.v === "(") {
      const v = or();
      expect(")");
      return v;
    }
    if (t.t === "op" && t.v === "[") {
      const items: string[] = [];
      while (!isOp("]")) {
        items.push(str(primary()));
        if (!isOp("]")) expect(",");
      }
      i++;
      return items;
    }
    if (t.t === "id") {
      if (t.v === "true" || t.v === "false") return t.v === "true";
      if (t.v === "Version" || t.v === "SemVer") return data[t.v];
      if (isOp("(")) {
        i++;
        const args: Value[] = [];
        while (!isOp(")")) {
          args.push(or());
          if (!isOp(")")) expect(",");
        }
        i++;
        return call(src, t.v, args, data);
      }
    }
    throw new ConstraintError(src, `'${t.v}' is not supported`);
  };
  const v = or();
  if (i < toks.length) throw new ConstraintError(src, `unexpected '${toks[i]!.v}'`);
  return v;
}

const bool = (v: Value) => v === true;
const str = (v: Value) => (typeof v === "string" ? v : String(v));

function call(src: string, name: string, args: Value[], data: ConstraintData): Value {
  switch (name) {
    case "semver":
      return satisfies(data.SemVer || data.Version, str(args[0]!), src);
    case "semverWithVersion":
      return satisfies(str(args[1]!), str(args[0]!), src);
    case "trimPrefix":
      return str(args[0]!).startsWith(str(args[1]!)) ? str(args[0]!).slice(str(args[1]!).length) : str(args[0]!);
    default:
      throw new ConstraintError(src, `the function '${name}' is not supported`);
  }
}

/**
 * aqua's version comparison (its pkg/expr): `,`-separated parts, each `>=`, `<=`, `!=`, `>`, `<` or
 * `=` and a version, all of which must hold, compared as hashicorp/go-version does ("1.6" is 1.6.0,
 * "1.5rc2" a pre-release). A version go-version cannot read (or a commit hash) satisfies nothing; so
 * does a part whose version cannot be read, as in aqua. A part without an operator is refused.
 */
const OPS = [">=", "<=", "!=", ">", "<", "="] as const;

function satisfies(version: string, constraint: string, src: string): boolean {
  if (/^[0-9a-f]{40}$/.test(version)) return false;
  const v = parseGoVersion(version);
  if (!v) return false;
  return constraint.trim().split(",").every((part) => {
    const c = part.trim();
    const op = OPS.find((o) => c.startsWith(o));
    if (!op) throw new ConstraintError(src, `semver constraint '${c}' has no operator (>=, <=, !=, >, <, =)`);
    const want = parseGoVersion(c.slice(op.length).trim());
    if (!want) return false;
    const cmp = compareGoVersions(v, want);
    return { ">=": cmp >= 0, "<=": cmp <= 0, "!=": cmp !== 0, ">": cmp > 0, "<": cmp < 0, "=": cmp === 0 }[op];
  });
}

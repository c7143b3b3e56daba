/**
 * The Go-template subset the aqua registry writes its asset names, URLs and file paths in:
 * `{{.Version}}`, `{{.Vars.x}}`, pipes (`{{.Version | trimV}}`), calls (`{{trimPrefix "v" .Version}}`),
 * parentheses with a field (`{{(semver .Version).Major}}`), `{{if eq .GOOS "darwin"}}…{{else}}…{{end}}`,
 * and the functions the registry uses (counted over its snapshot: issue 17). Anything else is an
 * error naming it, never a wrong URL. Pure.
 */
import { DevenvError } from "../../../errors.js";

type Value = string | number | boolean | string[] | Record<string, unknown> | undefined;

type Operand =
  | { kind: "field"; path: string[] }
  | { kind: "string"; value: string }
  | { kind: "number"; value: number }
  | { kind: "ident"; name: string }
  | { kind: "group"; pipeline: Pipeline; path: string[] };
type Command = Operand[];
type Pipeline = Command[];
type Node = { kind: "text"; text: string } | { kind: "action"; pipeline: Pipeline } | { kind: "if"; cond: Pipeline; then: Node[]; else: Node[] };

export class TemplateError extends DevenvError {
  constructor(template: string, why: string) {
    super("UNSUPPORTED_PLATFORM", `aqua template ${JSON.stringify(template)}: ${why}`, {
      hint: "devenv supports the template functions the aqua registry uses; this one is not among them. Pin the tool with an inline url and sha256 instead.",
    });
    this.name = "TemplateError";
  }
}

const FUNCTIONS: Record<string, (...args: Value[]) => Value> = {
  trimV: (s) => str(s).replace(/^v/, ""),
  trimPrefix: (prefix, s) => (str(s).startsWith(str(prefix)) ? str(s).slice(str(prefix).length) : str(s)),
  trimSuffix: (suffix, s) => (str(s).endsWith(str(suffix)) && str(suffix) ? str(s).slice(0, -str(suffix).length) : str(s)),
  replace: (from, to, s) => str(s).replaceAll(str(from), str(to)),
  title: (s) => str(s).replace(/(^|[^A-Za-z0-9])([a-z])/g, (_m, sep: string, c: string) => sep + c.toUpperCase()),
  lower: (s) => str(s).toLowerCase(),
  upper: (s) => str(s).toUpperCase(),
  splitList: (sep, s) => str(s).split(str(sep)),
  // Go's RE2 patterns the registry writes ("^[^-]+") read the same in JavaScript.
  regexFind: (re, s) => new RegExp(str(re)).exec(str(s))?.[0] ?? "",
  index: (list, ...keys) => keys.reduce<Value>((v, k) => (Array.isArray(v) ? v[Number(k)] : v && typeof v === "object" ? (v as Record<string, Value>)[str(k)] : undefined), list),
  eq: (a, ...bs) => bs.some((b) => a === b),
  ne: (a, b) => a !== b,
  semver: (s) => {
    const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(str(s));
    if (!m) throw new Error(`semver: '${str(s)}' is not a version`);
    return { Major: Number(m[1]), Minor: Number(m[2] ?? 0), Patch: Number(m[3] ?? 0), Original: str(s) };
  },
};

const str = (v: Value): string => (v === undefined ? "" : typeof v === "object" ? JSON.stringify(v) : String(v));

/** Parse once (an unsupported construct is an error here, whatever the data). */
export function parseTemplate(src: string): Node[] {
  const tokens = split(src);
  let i = 0;
  const block = (ends: string[]): { nodes: Node[]; end: string } => {
    const nodes: Node[] = [];
    while (i < tokens.length) {
      const t = tokens[i++]!;
      if (t.kind === "text") {
        if (t.text) nodes.push({ kind: "text", text: t.text });
        continue;
      }
      const body = t.text;
      const word = /^(\w+)\b/.exec(body)?.[1];
      if (word && ends.includes(word)) return { nodes, end: word };
      if (word === "if") {
        const cond = parsePipeline(src, body.slice(2));
        const a = block(["else", "end"]);
        const b = a.end === "else" ? block(["end"]) : { nodes: [], end: "end" };
        if (b.end !== "end") throw new TemplateError(src, "{{if}} without {{end}}");
        nodes.push({ kind: "if", cond, then: a.nodes, else: b.nodes });
        continue;
      }
      if (word && ["range", "with", "define", "template", "block", "else", "end"].includes(word)) throw new TemplateError(src, `{{${word}}} is not supported here`);
      nodes.push({ kind: "action", pipeline: parsePipeline(src, body) });
    }
    if (ends.length) throw new TemplateError(src, `missing {{${ends.join("}} or {{")}}}`);
    return { nodes, end: "" };
  };
  return block([]).nodes;
}

export function renderTemplate(src: string, data: Record<string, unknown>): string {
  return renderNodes(src, parseTemplate(src), data);
}

function renderNodes(src: string, nodes: Node[], data: Record<string, unknown>): string {
  let out = "";
  for (const n of nodes) {
    if (n.kind === "text") out += n.text;
    else if (n.kind === "action") out += str(run(src, n.pipeline, data));
    else out += renderNodes(src, truthy(run(src, n.cond, data)) ? n.then : n.else, data);
  }
  return out;
}

const truthy = (v: Value) => !(v === undefined || v === false || v === "" || v === 0 || (Array.isArray(v) && v.length === 0));

/** Text and `{{ … }}` actions, with `{{-` / `-}}` trimming the whitespace beside them. */
function split(src: string): Array<{ kind: "text" | "action"; text: string }> {
  const out: Array<{ kind: "text" | "action"; text: string }> = [];
  let at = 0;
  for (;;) {
    const open = src.indexOf("{{", at);
    if (open < 0) {
      out.push({ kind: "text", text: src.slice(at) });
      return out;
    }
    const close = closing(src, open + 2);
    if (close < 0) throw new TemplateError(src, "an action opened with {{ is never closed");
    let text = src.slice(at, open);
    let body = src.slice(open + 2, close);
    if (body.startsWith("-")) {
      text = text.trimEnd();
      body = body.slice(1);
    }
    let next = close + 2;
    if (body.endsWith("-")) {
      body = body.slice(0, -1);
      while (next < src.length && /\s/.test(src[next]!)) next++;
    }
    out.push({ kind: "text", text }, { kind: "action", text: body.trim() });
    at = next;
  }
}

/** The `}}` that closes an action opened before `from`, skipping quoted strings. */
function closing(src: string, from: number): number {
  for (let i = from; i < src.length - 1; i++) {
    if (src[i] === '"') {
      for (i++; i < src.length && src[i] !== '"'; i++) if (src[i] === "\\") i++;
    } else if (src[i] === "}" && src[i + 1] === "}") return i;
  }
  return -1;
}

function parsePipeline(src: string, text: string): Pipeline {
  let i = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const fieldPath = (): string[] => {
    const path: string[] = [];
    while (text[i] === "." && /[A-Za-z_]/.test(text[i + 1] ?? "")) {
      const m = /^\.([A-Za-z_]\w*)/.exec(text.slice(i))!;
      path.push(m[1]!);
      i += m[0].length;
    }
    return path;
  };
  const operand = (): Operand => {
    ws();
    const c = text[i];
    if (c === "(") {
      i++;
      const inner = pipeline(")");
      if (text[i] !== ")") throw new TemplateError(src, "a ( is never closed");
      i++;
      return { kind: "group", pipeline: inner, path: fieldPath() };
    }
    if (c === '"') {
      let j = i + 1;
      let v = "";
      for (; j < text.length && text[j] !== '"'; j++) {
        if (text[j] === "\\") {
          j++;
          v += ({ n: "\n", t: "\t" } as Record<string, string>)[text[j]!] ?? text[j];
        } else v += text[j];
      }
      i = j + 1;
      return { kind: "string", value: v };
    }
    if (c === "`") {
      const j = text.indexOf("`", i + 1);
      const v = text.slice(i + 1, j);
      i = j + 1;
      return { kind: "string", value: v };
    }
    if (c === ".") {
      const path = fieldPath();
      if (!path.length) throw new TemplateError(src, "'.' alone (the whole data) is not supported");
      return { kind: "field", path };
    }
    const num = /^-?\d+/.exec(text.slice(i));
    if (num) {
      i += num[0].length;
      return { kind: "number", value: Number(num[0]) };
    }
    const id = /^[A-Za-z_]\w*/.exec(text.slice(i));
    if (id) {
      i += id[0].length;
      if (!(id[0] in FUNCTIONS)) throw new TemplateError(src, `the function '${id[0]}' is not supported`);
      return { kind: "ident", name: id[0] };
    }
    throw new TemplateError(src, `cannot read '${text.slice(i, i + 12)}'`);
  };
  const pipeline = (stop: string): Pipeline => {
    const cmds: Pipeline = [];
    let cmd: Command = [];
    for (;;) {
      ws();
      if (i >= text.length || text[i] === stop) break;
      if (text[i] === "|") {
        if (!cmd.length) throw new TemplateError(src, "an empty command before |");
        cmds.push(cmd);
        cmd = [];
        i++;
        continue;
      }
      if (text[i] === ":" || text[i] === "$") throw new TemplateError(src, "template variables ($x := …) are not supported");
      cmd.push(operand());
    }
    if (!cmd.length) throw new TemplateError(src, "an empty action");
    cmds.push(cmd);
    return cmds;
  };
  const p = pipeline("\u0000");
  if (i < text.length) throw new TemplateError(src, `unexpected '${text.slice(i)}'`);
  return p;
}

function run(src: string, p: Pipeline, data: Record<string, unknown>): Value {
  let prev: Value;
  p.forEach((cmd, n) => {
    const [head, ...rest] = cmd as [Operand, ...Operand[]];
    const args = rest.map((o) => value(src, o, data));
    if (n > 0) args.push(prev);
    if (head.kind === "ident") {
      try {
        prev = FUNCTIONS[head.name]!(...args);
      } catch (e) {
        throw new TemplateError(src, `${head.name}: ${(e as Error).message}`);
      }
    } else {
      if (args.length) throw new TemplateError(src, "arguments given to a value that is not a function");
      prev = value(src, head, data);
    }
  });
  return prev;
}

function value(src: string, o: Operand, data: Record<string, unknown>): Value {
  switch (o.kind) {
    case "string":
    case "number":
      return o.value;
    case "field":
      return lookup(src, data, o.path);
    case "group":
      return o.path.length ? lookup(src, run(src, o.pipeline, data) as Record<string, unknown>, o.path) : run(src, o.pipeline, data);
    case "ident":
      return run(src, [[o]], data);
  }
}

function lookup(src: string, from: unknown, path: string[]): Value {
  let v: unknown = from;
  for (const key of path) {
    if (v === null || typeof v !== "object" || !(key in (v as object))) throw new TemplateError(src, `.${path.join(".")}: no value for '${key}'`);
    v = (v as Record<string, unknown>)[key];
  }
  return v as Value;
}

/** Finding the config object and its `tools` in a parsed devenv.ts. */
import { parse } from "@babel/parser";
import type * as t from "@babel/types";
import { DevenvError } from "../errors.js";

/** Throws a CONFIG_EDIT error saying which part of the file could not be edited. */
export type Fail = (what: string) => never;

export function at(node: t.Node): { start: number; end: number } {
  if (node.start == null || node.end == null) throw new Error(`babel node ${node.type} has no position`);
  return { start: node.start, end: node.end };
}

function parseSource(source: string, file: string): t.File {
  try {
    return parse(source, { sourceType: "module", plugins: ["typescript"], errorRecovery: false });
  } catch (e) {
    const loc = (e as { loc?: { line: number; column: number } }).loc;
    const message = (e instanceof Error ? e.message : String(e)).replace(/\s*\(\d+:\d+\)$/, "");
    const where = loc ? `${file}:${loc.line}:${loc.column + 1}` : file;
    throw new DevenvError("CONFIG_SYNTAX", `${where}: ${message}`, {
      hint: `Fix the syntax error in ${file}, then run the command again.`,
      cause: e,
    });
  }
}

/** Strip type-only wrappers: `x as const`, `x satisfies T`, `<T>x`, `x!`, `(x)`. */
export function unwrap(node: t.Node): t.Node {
  let n = node;
  while (
    n.type === "TSAsExpression" ||
    n.type === "TSSatisfiesExpression" ||
    n.type === "TSTypeAssertion" ||
    n.type === "TSNonNullExpression" ||
    n.type === "ParenthesizedExpression"
  )
    n = n.expression;
  return n;
}

/** The initialiser of a top-level `const name = …` (exported or not). */
function topLevelInit(body: t.Statement[], name: string): t.Node | undefined {
  for (const stmt of body) {
    const decl = stmt.type === "ExportNamedDeclaration" ? stmt.declaration : stmt;
    if (decl?.type !== "VariableDeclaration") continue;
    for (const d of decl.declarations) if (d.id.type === "Identifier" && d.id.name === name) return d.init ?? undefined;
  }
  return undefined;
}

const isDefineConfig = (callee: t.Node): boolean =>
  (callee.type === "Identifier" && callee.name === "defineConfig") ||
  (callee.type === "MemberExpression" && !callee.computed && callee.property.type === "Identifier" && callee.property.name === "defineConfig");

/** Follow wrappers, identifiers and (for the config) `defineConfig(…)` down to an object literal. */
function resolveObject(start: t.Node | undefined, body: t.Statement[], calls: boolean): t.ObjectExpression | undefined {
  let node = start;
  for (let depth = 0; node && depth < 16; depth++) {
    node = unwrap(node);
    if (node.type === "ObjectExpression") return node;
    if (calls && node.type === "CallExpression" && isDefineConfig(node.callee) && node.arguments.length === 1) node = node.arguments[0];
    else if (node.type === "Identifier") node = topLevelInit(body, node.name);
    else return undefined;
  }
  return undefined;
}

export const keyName = (prop: t.ObjectExpression["properties"][number]): string | undefined => {
  if (prop.type === "SpreadElement" || prop.computed) return undefined;
  if (prop.key.type === "Identifier") return prop.key.name;
  return prop.key.type === "StringLiteral" ? prop.key.value : undefined;
};

export const findProp = (obj: t.ObjectExpression, name: string) => obj.properties.findLast((p) => keyName(p) === name);

export interface Target {
  config: t.ObjectExpression;
  tools: t.ObjectExpression | undefined;
}

export function locate(src: string, file: string, fail: Fail): Target {
  const body = parseSource(src, file).program.body;
  const exported = body.find((s): s is t.ExportDefaultDeclaration => s.type === "ExportDefaultDeclaration");
  const config = resolveObject(exported?.declaration, body, true) ?? fail("the config object");
  const prop = findProp(config, "tools");
  if (!prop) {
    if (config.properties.some((p) => p.type === "SpreadElement")) fail("tools");
    return { config, tools: undefined };
  }
  const tools = prop.type === "ObjectProperty" ? resolveObject(prop.value, body, false) : undefined;
  if (!tools || tools.properties.some((p) => keyName(p) === undefined || p.type !== "ObjectProperty")) fail("the tools object");
  return { config, tools };
}

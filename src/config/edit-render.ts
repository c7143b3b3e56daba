/** Rendering tool entries as devenv.ts source text. */

export type ToolSpecInput = string | Record<string, unknown>;

export interface ToolEdit {
  name: string;
  spec: ToolSpecInput;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** An object key: bare when it is an identifier, double-quoted otherwise. */
export const renderKey = (key: string): string => (IDENTIFIER.test(key) ? key : JSON.stringify(key));

/** A string literal in the given quote style. */
export function renderString(value: string, quote = '"'): string {
  const body = [...value].map((c) => (c === quote ? `\\${c}` : c === '"' ? c : JSON.stringify(c).slice(1, -1)));
  return quote + body.join("") + quote;
}

/** A value as a compact single-line literal: `{ version: "1.2.3", sha256: "…" }`. */
export function renderValue(value: unknown): string {
  if (typeof value === "string") return renderString(value);
  if (typeof value === "number" || typeof value === "boolean" || value === null) return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(renderValue).join(", ")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return "{}";
    return `{ ${entries.map(([k, v]) => `${renderKey(k)}: ${renderValue(v)}`).join(", ")} }`;
  }
  throw new TypeError(`cannot write a ${typeof value} into devenv.ts`);
}

export const renderProp = (tool: ToolEdit): string => `${renderKey(tool.name)}: ${renderValue(tool.spec)}`;

/**
 * A fresh devenv.ts pinning `tools`. With none, `tools` still spans two lines, the shape `devenv
 * add` writes into: the first add then inserts its one line and changes nothing else.
 */
export function newConfigSource(tools: ToolEdit[]): string {
  const body = `  tools: {\n${tools.map((t) => `    ${renderProp(t)},\n`).join("")}  },\n`;
  return `import { defineConfig } from "devenv";\n\nexport default defineConfig({\n${body}});\n`;
}

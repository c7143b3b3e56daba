/**
 * Edit the `tools` of a devenv.ts without disturbing anything else: the file is parsed only to find positions,
 * and the original text is spliced, so formatting and comments survive exactly.
 */
import type * as t from "@babel/types";
import { DevenvError } from "../errors.js";
import { at, findProp, locate, unwrap, type Fail } from "./edit-ast.js";
import { renderProp, renderString, renderValue, type ToolEdit } from "./edit-render.js";
import {
  applySplices,
  breakLength,
  commaAfter,
  eolOf,
  hasBreak,
  indentOf,
  lineStart,
  restOfLineEnd,
  skipTrivia,
  startsLine,
  type Splice,
} from "./edit-text.js";

export { newConfigSource, type ToolEdit, type ToolSpecInput } from "./edit-render.js";

interface Style {
  eol: string;
  unit: string;
  trailing: boolean;
}

function styleOf(src: string, config: t.ObjectExpression, tools: t.ObjectExpression | undefined): Style {
  const trailing = (obj: t.ObjectExpression | undefined): boolean | undefined => {
    const last = obj?.properties.at(-1);
    if (!obj || !last || !hasBreak(src, at(obj).start, at(obj).end)) return undefined;
    return commaAfter(src, at(last).end) >= 0;
  };
  let unit = /^\t/m.test(src) ? "\t" : "  ";
  const first = config.properties[0];
  if (first && startsLine(src, at(first).start)) {
    const outer = indentOf(src, at(config).end - 1);
    const inner = indentOf(src, at(first).start);
    if (inner.length > outer.length && inner.startsWith(outer)) unit = inner.slice(outer.length);
  }
  return { eol: eolOf(src), unit, trailing: trailing(tools) ?? trailing(config) ?? true };
}

/** Replace the value of an existing tool, touching as little text as possible. */
function replaceValue(src: string, prop: t.ObjectProperty, tool: ToolEdit): Splice[] {
  if (prop.shorthand) return [{ ...at(prop), text: renderProp(tool) }];
  const value = unwrap(prop.value);
  if (typeof tool.spec === "string") {
    const version = value.type === "ObjectExpression" ? findProp(value, "version") : undefined;
    const target = version?.type === "ObjectProperty" && !version.shorthand ? unwrap(version.value) : value;
    if (target.type === "StringLiteral") return [{ ...at(target), text: renderString(tool.spec, src[at(target).start]) }];
    if (target !== value) return [{ ...at(target), text: renderString(tool.spec) }];
  }
  return [{ ...at(prop.value), text: renderValue(tool.spec) }];
}

/** Append `text` as a new property after the last one of `obj`. */
function appendProp(src: string, obj: t.ObjectExpression, text: string, style: Style, expandEmpty: boolean): Splice[] {
  const o = at(obj);
  const closeIndent = indentOf(src, o.end - 1);
  const tc = style.trailing ? "," : "";
  const last = obj.properties.at(-1);
  if (!last) {
    const inner = src.slice(o.start + 1, o.end - 1);
    if (/^\s*$/.test(inner) && !inner.includes("\n")) {
      const expanded = `{${style.eol}${closeIndent}${style.unit}${text}${tc}${style.eol}${closeIndent}}`;
      return [{ ...o, text: expandEmpty ? expanded : `{ ${text} }` }];
    }
    if (startsLine(src, o.end - 1)) {
      const pos = lineStart(src, o.end - 1);
      return [{ start: pos, end: pos, text: `${closeIndent}${style.unit}${text}${tc}${style.eol}` }];
    }
    return [{ start: o.end - 1, end: o.end - 1, text: ` ${text} ` }];
  }
  const l = at(last);
  const comma = commaAfter(src, l.end);
  const splices: Splice[] = comma < 0 ? [{ start: l.end, end: l.end, text: "," }] : [];
  const anchor = comma < 0 ? l.end : comma + 1;
  if (!hasBreak(src, o.start, o.end)) {
    splices.push({ start: anchor, end: anchor, text: ` ${text}${comma < 0 ? "" : ","}` });
    return splices;
  }
  const indent = startsLine(src, l.start) ? indentOf(src, l.start) : closeIndent + style.unit;
  const eolAt = restOfLineEnd(src, anchor);
  const pos = eolAt < 0 ? anchor : eolAt;
  splices.push({ start: pos, end: pos, text: `${style.eol}${indent}${text}${comma < 0 ? "" : ","}` });
  return splices;
}

/** Add `tools: { … }` as the first property of the config object. */
function addToolsProp(src: string, config: t.ObjectExpression, entry: string, style: Style): Splice[] {
  const c = at(config);
  const first = config.properties[0];
  const { eol, unit } = style;
  const tc = style.trailing ? "," : "";
  const inner = src.slice(c.start + 1, c.end - 1);
  if (!first && /^\s*$/.test(inner)) {
    const ci = indentOf(src, c.end - 1);
    const text = `{${eol}${ci}${unit}tools: {${eol}${ci}${unit}${unit}${entry}${tc}${eol}${ci}${unit}}${tc}${eol}${ci}}`;
    return [{ ...c, text }];
  }
  const lineEnd = hasBreak(src, c.start, c.end) ? restOfLineEnd(src, c.start + 1) : -1;
  if (lineEnd < 0) {
    const pos = first ? at(first).start : skipTrivia(src, c.start + 1);
    return [{ start: pos, end: pos, text: `tools: { ${entry} }${first ? ", " : " "}` }];
  }
  const indent = first && startsLine(src, at(first).start) ? indentOf(src, at(first).start) : indentOf(src, c.end - 1) + unit;
  const text = `${eol}${indent}tools: {${eol}${indent}${unit}${entry}${tc}${eol}${indent}}${first ? "," : tc}`;
  return [{ start: lineEnd, end: lineEnd, text }];
}

/** Text to delete to remove `prop` from `obj`, with its comma, and its line(s) when it has them to itself. */
function removalSplices(src: string, obj: t.ObjectExpression, prop: t.ObjectProperty): Splice[] {
  const props = obj.properties;
  const index = props.indexOf(prop);
  const p = at(prop);
  const comma = commaAfter(src, p.end);
  const eolAt = restOfLineEnd(src, comma < 0 ? p.end : comma + 1);
  const prev = index > 0 ? props[index - 1] : undefined;
  const prevComma = prev ? commaAfter(src, at(prev).end) : -1;
  let start = p.start;
  let end = p.end;
  const splices: Splice[] = [];
  if (startsLine(src, p.start) && eolAt >= 0) {
    start = lineStart(src, p.start);
    end = eolAt + breakLength(src, eolAt);
    // Removing the last property of a list without trailing commas: the previous comma would become one.
    if (comma < 0 && prevComma >= 0 && index === props.length - 1) splices.push({ start: prevComma, end: prevComma + 1, text: "" });
  } else if (comma >= 0 && eolAt >= 0) {
    // Shares its line only with what comes before, e.g. `tools: { node: "20",`: drop it up to the line break.
    start = p.start - (/[ \t]*$/.exec(src.slice(0, p.start))?.[0].length ?? 0);
    end = eolAt;
  } else if (comma >= 0) end = comma + 1 + (/^[ \t]*/.exec(src.slice(comma + 1))?.[0].length ?? 0);
  else if (prevComma >= 0) start = prevComma;
  const o = at(obj);
  if (props.length === 1 && /^\s*$/.test(src.slice(o.start + 1, start) + src.slice(end, o.end - 1))) return [{ ...o, text: "{}" }];
  splices.push({ start, end, text: "" });
  return splices;
}

function failer(file: string, hint: string): Fail {
  return (what) => {
    throw new DevenvError("CONFIG_EDIT", `${file}: cannot edit ${what} automatically`, { hint: `Edit devenv.ts by hand: ${hint}.` });
  };
}

/** Set (add or update) tool pins in a devenv.ts source, keeping everything else byte for byte. */
export function setTools(source: string, tools: ToolEdit[], file = "devenv.ts"): string {
  const hint = `add ${tools.map((t) => `${JSON.stringify(t.name)}: ${renderValue(t.spec)}`).join(", ")} under tools`;
  const fail = failer(file, hint);
  let src = source;
  for (const tool of tools) {
    const { config, tools: obj } = locate(src, file, fail);
    const style = styleOf(src, config, obj);
    const existing = obj && findProp(obj, tool.name);
    let splices: Splice[];
    if (!obj) splices = addToolsProp(src, config, renderProp(tool), style);
    else if (existing?.type === "ObjectProperty") splices = replaceValue(src, existing, tool);
    else splices = appendProp(src, obj, renderProp(tool), style, hasBreak(src, at(config).start, at(config).end));
    src = applySplices(src, splices);
  }
  return src;
}

/** Remove tool pins from a devenv.ts source; names that are not there are left out of `removed`. */
export function removeTools(source: string, names: string[], file = "devenv.ts"): { source: string; removed: string[] } {
  let src = source;
  const removed: string[] = [];
  for (const name of names) {
    const fail = failer(file, `remove ${JSON.stringify(name)} from tools`);
    for (;;) {
      const { tools } = locate(src, file, fail);
      const prop = tools && findProp(tools, name);
      if (!tools || prop?.type !== "ObjectProperty") break;
      src = applySplices(src, removalSplices(src, tools, prop));
      if (!removed.includes(name)) removed.push(name);
    }
  }
  return { source: src, removed };
}

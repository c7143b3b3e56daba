/**
 * The tools a devenv.ts lists in its `tools` object literal, read from the parsed source without
 * running it: shell completion of `devenv remove` wants the names, `devenv import` each value's text.
 */
import { at, keyName, locate, type Fail } from "./edit-ast.js";

/** Name → the source text of its value. `fail` is called (and must throw) when the tools are not a literal devenv can edit. */
export function toolEntries(source: string, file: string, fail: Fail): Map<string, string> {
  const { tools } = locate(source, file, fail);
  const out = new Map<string, string>();
  for (const p of tools?.properties ?? []) {
    const name = keyName(p);
    if (name !== undefined && p.type === "ObjectProperty") out.set(name, source.slice(at(p.value).start, at(p.value).end));
  }
  return out;
}

/** The names only; undefined when the file does not parse or its tools are not such a literal (spread, imported, computed). */
export function listedTools(source: string, file: string): string[] | undefined {
  try {
    return [...toolEntries(source, file, (what) => {
      throw new Error(what);
    }).keys()];
  } catch {
    return undefined;
  }
}

/** The tools a devenv.ts already names, read from its text (nothing evaluated), with each value's text. Pure. */
import { DevenvError } from "../../errors.js";
import { at, locate } from "../edit-ast.js";

export function existingTools(source: string, file: string): Map<string, string> {
  const fail = (what: string): never => {
    throw new DevenvError("CONFIG_EDIT", `${file}: cannot edit ${what} automatically`, {
      hint: "devenv import adds to a devenv.ts whose tools are an object literal: edit it by hand, or import into a fresh directory and copy the entries.",
    });
  };
  const { tools } = locate(source, file, fail);
  const out = new Map<string, string>();
  for (const p of tools?.properties ?? []) {
    if (p.type !== "ObjectProperty" || p.computed) continue;
    const name = p.key.type === "Identifier" ? p.key.name : p.key.type === "StringLiteral" ? p.key.value : undefined;
    if (name !== undefined) out.set(name, source.slice(at(p.value).start, at(p.value).end));
  }
  return out;
}

import type { StateField, StateLayer } from "./state.js";

/** A field's value; a reference's file content (`read`), or undefined when it is gone or cut. */
export type FieldReader = (file: string) => string | undefined;

const valueOf = (f: StateField, read: FieldReader) => (typeof f === "string" ? f : read(f.file));

/**
 * The exported environment as it was before the hooks applied `layers` (DEVENV_STATE), undone
 * the way the hooks undo them: last change first; a value the user changed since stays; from a
 * list variable only the entries devenv added go; a variable that was unset, or set but not
 * exported, is left out; a record whose value cannot be read leaves its variable as it is. Pure.
 */
export function undoLayers(env: Readonly<Record<string, string | undefined>>, layers: readonly StateLayer[], read: FieldReader): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  for (const layer of layers.toReversed()) {
    for (const c of layer.changes.toReversed()) {
      const now = out[c.name];
      if (now === undefined) continue;
      let value: string;
      if (c.kind === "set") {
        const ours = valueOf(c.value, read);
        const previous = valueOf(c.previous, read);
        if (ours === undefined || previous === undefined || now !== ours) continue;
        value = previous;
      } else {
        const added = valueOf(c.added, read);
        if (added === undefined) continue;
        let list = `:${now}:`;
        for (const d of added.split(":")) list = list.replace(`:${d}:`, ":");
        value = list.replace(/^:/, "").replace(/:$/, "");
      }
      if (c.had === 1) out[c.name] = value;
      else delete out[c.name];
    }
  }
  return out;
}

/**
 * DEVENV_STATE, the exported record of what the hooks changed (so that any shell inheriting it
 * can undo exactly). Fields end with \x1f:
 *
 *   devenv-state-2 { L root activation-file { S name had previous ours | P name had added } }
 *   had: 0 unset, 1 exported, 2 set but not exported; added: the list entries devenv added,
 *   joined with ':'.
 *
 * root, activation-file, previous, ours and added are encoded: \x1d written \x1d0, \x1f \x1d1 and
 * newline \x1d3, so no field holds a separator or a newline (fish splits command substitutions at
 * newlines). A field `\x1d2<encoded path>` is a reference: the value is in that file, followed by
 * `\0=\0` (src/state/hook-values.ts). The hooks put a value in a file when its encoded form is
 * longer than 4096 characters or would bring the layer's records past 16384 characters: so
 * DEVENV_STATE stays far below the kernel's 128 KiB per variable whatever the project sets, and
 * the common case writes no file. A reference whose file is gone or cut leaves that variable as it
 * is at undo (as a value the user changed). devenv-state-1, written by earlier hooks (no \x1d2,
 * no \x1d3, activation-file as is), is still read.
 */
export type StateField = string | { file: string };

export interface StateLayer {
  root: string;
  activation: string;
  changes: Array<{ kind: "set"; name: string; had: number; previous: StateField; value: StateField } | { kind: "prepend"; name: string; had: number; added: StateField }>;
}

export const STATE_MAGIC = "devenv-state-2";
const MAGICS = new Set(["devenv-state-1", STATE_MAGIC]);

const dec = (v: string) => v.replaceAll("\x1d3", "\n").replaceAll("\x1d1", "\x1f").replaceAll("\x1d0", "\x1d");
const field = (v: string): StateField => (v.startsWith("\x1d2") ? { file: dec(v.slice(2)) } : dec(v));

export function parseState(value: string | undefined): StateLayer[] {
  if (!value) return [];
  const f = value.split("\x1f");
  if (f.pop() !== "" || !MAGICS.has(f[0]!)) return [];
  const layers: StateLayer[] = [];
  for (let i = 1; i < f.length; ) {
    const tag = f[i];
    if (tag === "L") {
      layers.push({ root: dec(f[i + 1]!), activation: dec(f[i + 2]!), changes: [] });
      i += 3;
    } else if (tag === "S" && layers.length) {
      layers.at(-1)!.changes.push({ kind: "set", name: f[i + 1]!, had: Number(f[i + 2]), previous: field(f[i + 3]!), value: field(f[i + 4]!) });
      i += 5;
    } else if (tag === "P" && layers.length) {
      const added = field(f[i + 3]!);
      layers.at(-1)!.changes.push({ kind: "prepend", name: f[i + 1]!, had: Number(f[i + 2]), added });
      i += 4;
    } else break;
  }
  return layers;
}

/**
 * DEVENV_STATE, the exported record of what the hooks changed (so that any shell inheriting it
 * can undo exactly): fields ending with \x1f, values with \x1d and \x1f written as \x1d0, \x1d1.
 *
 *   devenv-state-1 { L root activation-file { S name had prev ours | P name had added } }
 *   had: 0 unset, 1 exported, 2 set but not exported; added: the list entries devenv added.
 */
export interface StateLayer {
  root: string;
  activation: string;
  changes: Array<{ kind: "set"; name: string; had: number; previous: string; value: string } | { kind: "prepend"; name: string; had: number; added: string[] }>;
}

export const STATE_MAGIC = "devenv-state-1";

const dec = (v: string) => v.replaceAll("\x1d1", "\x1f").replaceAll("\x1d0", "\x1d");

export function parseState(value: string | undefined): StateLayer[] {
  if (!value) return [];
  const f = value.split("\x1f");
  if (f.pop() !== "" || f[0] !== STATE_MAGIC) return [];
  const layers: StateLayer[] = [];
  for (let i = 1; i < f.length; ) {
    const tag = f[i];
    if (tag === "L") {
      layers.push({ root: dec(f[i + 1]!), activation: f[i + 2]!, changes: [] });
      i += 3;
    } else if (tag === "S" && layers.length) {
      layers.at(-1)!.changes.push({ kind: "set", name: f[i + 1]!, had: Number(f[i + 2]), previous: dec(f[i + 3]!), value: dec(f[i + 4]!) });
      i += 5;
    } else if (tag === "P" && layers.length) {
      layers.at(-1)!.changes.push({ kind: "prepend", name: f[i + 1]!, had: Number(f[i + 2]), added: f[i + 3]!.split(":") });
      i += 4;
    } else break;
  }
  return layers;
}

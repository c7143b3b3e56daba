/**
 * Finding a catalogue tool by the name a user types (pure): `ripgrep`, `rg`'s package
 * `BurntSushi/ripgrep`, an alias (`stedolan/jq`), or the last part of a long package name
 * (`kubectl` for kubernetes/kubernetes/kubectl); and searching names, aliases and descriptions.
 */

/** One package of the catalogue as the index keeps it (no asset data: search and lookup read only this). */
export interface IndexRow {
  /** The package name (owner/repo, or aqua's `name`). */
  name: string;
  aliases: string[];
  description: string;
  type: string;
  /** The commands the package installs (its `files` names), for `gh` → cli/cli, `rg` → BurntSushi/ripgrep. */
  commands: string[];
}

/** The package types devenv installs; another type's package never wins a name over these. */
export const INSTALLABLE_TYPES = new Set(["github_release", "http", "github_archive", "github_content"]);

const last = (n: string) => n.slice(n.lastIndexOf("/") + 1).toLowerCase();

/** The packages a name means: an exact package or alias name wins; else every package whose last part is it; else whose command it is. */
export function lookupName(rows: readonly IndexRow[], query: string): IndexRow[] {
  return nameIndex(rows)(query);
}

/**
 * lookupName for many names over the same rows (search names each result as `devenv add` would take
 * it): the maps are built once, and each lookup gives what lookupName(rows, name) gives.
 */
export function nameIndex(rows: readonly IndexRow[]): (query: string) => IndexRow[] {
  const exact = new Map<string, IndexRow[]>();
  const byLast = new Map<string, IndexRow[]>();
  const byCommand = new Map<string, IndexRow[]>();
  const add = (m: Map<string, IndexRow[]>, keys: string[], r: IndexRow) => {
    for (const k of new Set(keys)) {
      const list = m.get(k);
      if (list) list.push(r);
      else m.set(k, [r]);
    }
  };
  for (const r of rows) {
    const names = [r.name, ...r.aliases];
    add(exact, names.map((n) => n.toLowerCase()), r);
    add(byLast, names.map(last), r);
    add(byCommand, r.commands.map((c) => c.toLowerCase()), r);
  }
  return (query) => {
    const q = query.toLowerCase();
    return exact.get(q) ?? installableFirst(byLast.get(q) ?? byCommand.get(q) ?? []);
  };
}

/** Of several packages, those devenv can install, when there are any (`bat`: sharkdp/bat, not crates.io/bat). */
function installableFirst(rows: readonly IndexRow[]): IndexRow[] {
  const ok = rows.filter((r) => INSTALLABLE_TYPES.has(r.type));
  return ok.length ? ok : [...rows];
}

/** The package named exactly so (case-insensitively), or one of its aliases. */
export function packageRow(rows: readonly IndexRow[], pkg: string): IndexRow | undefined {
  const q = pkg.toLowerCase();
  return rows.find((r) => r.name.toLowerCase() === q) ?? rows.find((r) => r.aliases.some((a) => a.toLowerCase() === q));
}

/**
 * Packages whose name, aliases or description contain every word of `text`, best first: the last
 * part of the name equal to the text, then names containing it, then descriptions.
 */
export function searchRows(rows: readonly IndexRow[], text: string): IndexRow[] {
  const words = text.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return [...rows];
  const q = words.join(" ");
  const scored: Array<{ r: IndexRow; s: number }> = [];
  for (const r of rows) {
    const names = [r.name, ...r.aliases].map((n) => n.toLowerCase());
    const hay = `${names.join(" ")} ${r.commands.join(" ").toLowerCase()} ${r.description.toLowerCase()}`;
    if (!words.every((w) => hay.includes(w))) continue;
    const s = names.some((n) => last(n) === q) ? 0 : names.some((n) => n.includes(q)) ? 1 : 2;
    scored.push({ r, s });
  }
  return scored.sort((a, b) => a.s - b.s || a.r.name.localeCompare(b.r.name)).map((x) => x.r);
}

/**
 * The name `devenv add` takes for a package: its last part when that means this one package and no
 * built-in recipe has it (`ripgrep`), else the whole package name.
 */
export function addName(r: IndexRow, lookup: (query: string) => IndexRow[], builtIn: (name: string) => boolean): string {
  const short = last(r.name);
  const means = lookup(short);
  return !builtIn(short) && means.length === 1 && means[0]!.name === r.name ? short : r.name;
}

/** Short names (last parts) of every package, for "did you mean". */
export const shortNames = (rows: readonly IndexRow[]): string[] => [...new Set(rows.map((r) => last(r.name)))];

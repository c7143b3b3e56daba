/**
 * The words shell completion offers for tool names and binaries (`devenv __complete`). It runs at
 * every Tab, so it reads only what is already on disk and cheap to read: the recipes' names, the
 * compiled catalogue if it is cached (never the network), devenv.ts parsed but never run (nor
 * trusted: only its tool names are read), devenv.lock, and the project's last activation.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { CONFIG_FILE, findProjectRoot, LOCK_FILE, projectRoots } from "../../config/find.js";
import { toolNameProblem } from "../../lock/names.js";
import { resolveDirs } from "../../platform/dirs.js";
import { activationsRoot } from "../../state/activations.js";
import { readLastGood } from "../../state/last-good.js";
import { hasRecipe } from "../../../recipes/index.js";
import { RECIPE_SUMMARIES } from "../../../recipes/summaries.js";
import { readCompiled } from "../catalog/compiled.js";
import { addName, nameIndex } from "../catalog/names.js";
import { currentPin } from "../catalog/pins.js";

export interface Candidate {
  name: string;
  description: string;
}

export type CandidateKind = "tools" | "project-tools" | "bins";

export interface CompletionPlace {
  /** The directory completion runs in, as the shell names it. */
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** The candidates of `kind` starting with `word` (ignoring case), sorted, each once. */
export async function candidates(place: CompletionPlace, kind: CandidateKind, word: string): Promise<Candidate[]> {
  const all = kind === "tools" ? await toolNames(place.env, word) : kind === "project-tools" ? await projectTools(place.cwd) : await projectBins(place);
  const w = word.toLowerCase();
  const seen = new Set<string>();
  return all
    .filter((c) => c.name.toLowerCase().startsWith(w) && !seen.has(c.name) && seen.add(c.name))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * What `devenv add` takes: the built-in recipes, and the cached catalogue's names as `devenv search`
 * shows them (those that may start with `word`).
 */
async function toolNames(env: NodeJS.ProcessEnv, word: string): Promise<Candidate[]> {
  const builtIn = Object.entries(RECIPE_SUMMARIES).map(([name, r]) => ({ name, description: r.description }));
  let catalog;
  try {
    catalog = await readCompiled(resolveDirs(env).cache, currentPin().sha256);
  } catch {
    /* unreadable: the built-in ones only */
  }
  if (!catalog) return builtIn;
  // Every package a name starting with `word` can mean has `word` in its index line: looking names
  // up among those rows only gives what looking them up among all rows gives, in a fraction of the time.
  const rows = catalog.rowsContaining(word);
  const lookup = nameIndex(rows);
  const w = word.toLowerCase();
  const named = rows.filter((r) => r.name.toLowerCase().startsWith(w) || r.name.slice(r.name.lastIndexOf("/") + 1).toLowerCase().startsWith(w));
  return [...builtIn, ...named.map((r) => ({ name: addName(r, lookup, hasRecipe), description: r.description }))];
}

/**
 * The tools of the nearest project: devenv.lock's when it was written after devenv.ts (every command
 * that locks writes it from devenv.ts's tools: the cheap read), else devenv.ts's, parsed but not run;
 * if it cannot be parsed so (spread, imported), the lock's anyway.
 */
async function projectTools(cwd: string): Promise<Candidate[]> {
  const root = findProjectRoot(cwd);
  if (!root) return [];
  const config = join(root, CONFIG_FILE);
  const lock = join(root, LOCK_FILE);
  const mtime = (f: string) => statSync(f, { throwIfNoEntry: false })?.mtimeMs;
  let names = (mtime(lock) ?? -Infinity) > (mtime(config) ?? Infinity) ? lockedTools(read(lock)) : undefined;
  if (!names) {
    // The parser is loaded only here: completing anything else does not pay for it.
    const { listedTools } = await import("../../config/listed-tools.js");
    names = listedTools(read(config) ?? "", CONFIG_FILE) ?? lockedTools(read(lock)) ?? [];
  }
  return names.filter((n) => toolNameProblem(n) === undefined).map((name) => ({ name, description: `a tool of ${root}` }));
}

/** The tool names of a devenv.lock's text; undefined when it is missing or not a lock. */
function lockedTools(text: string | undefined): string[] | undefined {
  try {
    const tools = (JSON.parse(text ?? "") as { tools?: unknown }).tools;
    return tools && typeof tools === "object" && !Array.isArray(tools) ? Object.keys(tools) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The binaries on the PATH dirs of the projects here (nested ones too), as their last good
 * activation recorded them; before any activation, the projects' tool names.
 */
async function projectBins(place: CompletionPlace): Promise<Candidate[]> {
  const dirs = resolveDirs(place.env);
  const out: Candidate[] = [];
  let activated = false;
  for (const root of projectRoots(place.cwd).reverse()) {
    const good = readLastGoodQuietly(activationsRoot(dirs.state), root);
    for (const dir of good?.plan.path ?? []) {
      activated = true;
      const from = entryOf(dirs.store, dir);
      for (const bin of executables(dir)) out.push({ name: bin, description: from });
    }
  }
  return activated ? out : projectTools(place.cwd);
}

function readLastGoodQuietly(actRoot: string, root: string) {
  try {
    return readLastGood(actRoot, root);
  } catch {
    return undefined;
  }
}

/** `node-22.1.0` for `<store>/<hash>-node-22.1.0/bin`; else the dir itself. */
function entryOf(store: string, dir: string): string {
  const rel = relative(store, dir);
  if (rel.startsWith("..") || rel.startsWith(sep)) return dir;
  return rel.split(sep)[0]!.replace(/^[0-9a-z]+-/, "");
}

function executables(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((n) => {
    try {
      const st = statSync(join(dir, n));
      return st.isFile() && (st.mode & 0o111) !== 0 && !/[\s\x00-\x1f]/.test(n);
    } catch {
      return false;
    }
  });
}

function read(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

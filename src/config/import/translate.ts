/**
 * From what the files ask for to devenv.ts entries: names and versions mapped (names.ts,
 * versions.ts), rust's targets and components kept where devenv's rust recipe has them, every
 * other setting reported. Two files asking for one tool differently are a conflict, never settled
 * here; a tool devenv.ts already has is reported and left as it is. Pure.
 */
import { isTargetName, RUST_COMPONENTS } from "../../../recipes/rust.js";
import type { ToolSpecInput } from "../edit-render.js";
import { mapToolName } from "./names.js";
import type { ImportEntry, NotMapped, ParsedFile } from "./types.js";
import { mapVersion } from "./versions.js";

export interface PlannedTool {
  name: string;
  spec: ToolSpecInput;
  /** The lines that ask for it (several files may agree). */
  from: ImportEntry[];
  /** How a word was read (`lts/iron: Node.js 20`). */
  notes: string[];
}

export interface ImportPlan {
  /** What goes into devenv.ts, in the order the files name them. */
  tools: PlannedTool[];
  /** Tools devenv.ts already has: kept as they are (`existing` is its text there). */
  already: Array<PlannedTool & { existing: string }>;
  /** One tool asked for differently: each candidate with where it comes from. */
  conflicts: Array<{ name: string; wants: PlannedTool[] }>;
  notMapped: NotMapped[];
}

const list = (v: unknown): unknown[] | undefined => (Array.isArray(v) ? v : typeof v === "string" ? v.split(",").map((s) => s.trim()).filter(Boolean) : undefined);

const SETTING_WHY: Record<string, string> = {
  os: "devenv locks every tool for every platform of the project ('platforms' in devenv.ts)",
  postinstall: "devenv runs no install hooks",
  install_env: "devenv's recipes take no build environment",
};

/** rustup's (and mise's rust) settings: targets and components devenv's rust recipe has, profile as its parts. */
function rustSettings(e: ImportEntry, notMapped: NotMapped[]): Record<string, string[]> {
  const s = e.settings ?? {};
  const miss = (what: string, why: string) => notMapped.push({ file: e.file, ...(e.line === undefined ? {} : { line: e.line }), what: `rust ${what}`, why });
  const components = new Set<string>();
  const targets = new Set<string>();
  for (const [k, v] of Object.entries(s)) {
    if (k === "components") {
      for (const c of list(v) ?? [v]) {
        const base = typeof c === "string" ? c.replace(/-preview$/, "") : "";
        if ((RUST_COMPONENTS as readonly string[]).includes(base)) components.add(base);
        else miss(`component ${typeof c === "string" ? c : JSON.stringify(c)}`, `devenv's rust has the components ${RUST_COMPONENTS.join(", ")} (besides rustc, cargo and rust-std)`);
      }
    } else if (k === "targets") {
      for (const t of list(v) ?? [v]) {
        if (typeof t === "string" && isTargetName(t)) targets.add(t);
        else miss(`target ${typeof t === "string" ? t : JSON.stringify(t)}`, "not a target name (e.g. wasm32-unknown-unknown)");
      }
    } else if (k === "profile") {
      if (v === "default") {
        components.add("clippy").add("rustfmt");
        miss("profile default: rust-docs", "devenv's rust has no rust-docs (clippy and rustfmt are added as components)");
      } else if (v !== "minimal") miss(`profile ${String(v)}`, "devenv's rust installs rustc, cargo and rust-std (rustup's minimal profile) plus the components listed");
    } else miss(k, k === "path" ? "a local toolchain: devenv installs its own verified copy" : "not a setting devenv's rust has");
  }
  return { ...(targets.size ? { targets: [...targets].sort() } : {}), ...(components.size ? { components: [...components].sort() } : {}) };
}

/** One entry as a devenv.ts tool, or undefined (with the reason added to notMapped). */
function translate(e: ImportEntry, notMapped: NotMapped[]): PlannedTool | undefined {
  const at = { file: e.file, ...(e.line === undefined ? {} : { line: e.line }) };
  const what = `${e.tool} ${e.version}`;
  const name = mapToolName(e.tool);
  if ("why" in name) {
    notMapped.push({ ...at, what, why: name.why });
    return undefined;
  }
  const version = mapVersion(name.name, e.version);
  if ("why" in version) {
    notMapped.push({ ...at, what, why: version.why });
    return undefined;
  }
  if (e.others?.length) {
    notMapped.push({ ...at, what: `${e.tool} ${e.others.join(" ")}`, why: `further versions: devenv puts one ${name.name} on PATH, the first one (${e.version})` });
  }
  let extra: Record<string, unknown> = { ...name.options };
  if (name.name === "rust" && !name.options) extra = { ...extra, ...rustSettings(e, notMapped) };
  else {
    for (const k of Object.keys(e.settings ?? {})) notMapped.push({ ...at, what: `${e.tool} ${k}`, why: SETTING_WHY[k] ?? `not an option devenv's ${name.name} has` });
  }
  const spec: ToolSpecInput = Object.keys(extra).length ? { version: version.range, ...extra } : version.range;
  return { name: name.name, spec, from: [e], notes: version.note ? [version.note] : [] };
}

const key = (spec: ToolSpecInput) => JSON.stringify(spec);

/**
 * `files` in the order they were read; `existing`: the tools devenv.ts has now, by name, with the
 * text of their values.
 */
export function planImport(files: readonly ParsedFile[], existing: ReadonlyMap<string, string>): ImportPlan {
  const notMapped: NotMapped[] = files.flatMap((f) => f.notMapped);
  const byName = new Map<string, PlannedTool[]>();
  for (const e of files.flatMap((f) => f.entries)) {
    const t = translate(e, notMapped);
    if (!t) continue;
    const wants = byName.get(t.name) ?? [];
    const same = wants.find((w) => key(w.spec) === key(t.spec));
    if (same) {
      same.from.push(...t.from);
      same.notes.push(...t.notes.filter((n) => !same.notes.includes(n)));
    } else wants.push(t);
    byName.set(t.name, wants);
  }
  const plan: ImportPlan = { tools: [], already: [], conflicts: [], notMapped };
  for (const [name, wants] of byName) {
    const has = existing.get(name);
    if (has !== undefined) plan.already.push(...wants.map((w) => ({ ...w, existing: has })));
    else if (wants.length > 1) plan.conflicts.push({ name, wants });
    else plan.tools.push(wants[0]!);
  }
  return plan;
}

/**
 * The TOML version files: rustup's `rust-toolchain.toml` (`[toolchain]` channel, components,
 * targets, profile) and mise's `mise.toml` (`[tools]`: a version, a list of them, or a table with
 * `version` and options). Pure.
 */
import { parse, TomlError } from "smol-toml";
import { DevenvError } from "../../errors.js";
import type { ImportEntry, NotMapped, ParsedFile } from "./types.js";

type Table = Record<string, unknown>;
const isTable = (v: unknown): v is Table => typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date);

export function parseToml(text: string, file: string): Table {
  try {
    return parse(text) as Table;
  } catch (e) {
    const t = e instanceof TomlError ? e : undefined;
    const at = t ? `${file}:${t.line}:${t.column}` : file;
    const message = (e instanceof Error ? e.message : String(e)).split("\n")[0]!;
    throw new DevenvError("CONFIG_SYNTAX", `${at}: not valid TOML: ${message}`, { hint: "Nothing was imported. Fix the file (or name the others: devenv import <file>…).", cause: e });
  }
}

/** A TOML value as a message may quote it. */
const written = (v: unknown): string => (typeof v === "string" ? v : JSON.stringify(v) ?? String(v));

/** The line of `key = …` in `text` (the first one), for messages; undefined when not found. */
export function lineOf(text: string, key: string): number | undefined {
  const esc = key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const re = new RegExp(`^[ \\t]*(?:${esc}|"${esc}"|'${esc}')[ \\t]*=`);
  const i = text.split(/\r\n|\r|\n/).findIndex((l) => re.test(l));
  return i < 0 ? undefined : i + 1;
}

export function parseRustToolchainToml(text: string, file: string): ParsedFile {
  const doc = parseToml(text, file);
  const notMapped: NotMapped[] = [];
  const tc = doc.toolchain;
  for (const k of Object.keys(doc).filter((k) => k !== "toolchain")) notMapped.push({ file, what: `[${k}]`, why: "not part of rustup's format (only [toolchain] is)" });
  if (!isTable(tc)) return { entries: [], notMapped: [...notMapped, { file, what: "[toolchain]", why: "missing: the file names no toolchain" }] };
  const { channel, ...settings } = tc;
  if (typeof channel !== "string") {
    const why = settings.path !== undefined ? "a local toolchain (path): devenv installs its own verified copy, so there is nothing to map" : "no channel: rustup would use its default toolchain";
    return { entries: [], notMapped: [...notMapped, { file, line: lineOf(text, settings.path !== undefined ? "path" : "channel") ?? 1, what: "[toolchain]", why }] };
  }
  return { entries: [{ file, line: lineOf(text, "channel") ?? 1, tool: "rust", version: channel, ...(Object.keys(settings).length ? { settings } : {}) }], notMapped };
}

const OTHER_SECTIONS: Record<string, string> = {
  env: "devenv.ts takes variables as env: { NAME: \"value\" }; copy them by hand (mise's templates are not devenv's ${root})",
  tasks: "devenv has no tasks; processes: in devenv.ts runs long-lived ones",
};

/** One `[tools]` value: "20", ["20", "18"], { version = "20", … } or a list of those. */
function toolEntry(file: string, line: number | undefined, tool: string, value: unknown): ImportEntry | NotMapped {
  const list = Array.isArray(value) ? value : [value];
  const [first, ...rest] = list;
  const versionOf = (v: unknown): string | undefined => (typeof v === "string" ? v : isTable(v) && typeof v.version === "string" ? v.version : undefined);
  const version = versionOf(first);
  if (version === undefined) return { file, line, what: `${tool} = ${written(value)}`, why: "no version string (expected \"20\", [\"20\", …] or { version = \"20\" })" };
  const others = rest.map((v) => versionOf(v) ?? written(v));
  const settings = isTable(first) ? Object.fromEntries(Object.entries(first).filter(([k]) => k !== "version")) : {};
  return { file, line, tool, version, ...(others.length ? { others } : {}), ...(Object.keys(settings).length ? { settings } : {}) };
}

export function parseMiseToml(text: string, file: string): ParsedFile {
  const doc = parseToml(text, file);
  const entries: ImportEntry[] = [];
  const notMapped: NotMapped[] = [];
  for (const k of Object.keys(doc).filter((k) => k !== "tools")) {
    notMapped.push({ file, what: isTable(doc[k]) ? `[${k}]` : k, why: OTHER_SECTIONS[k] ?? "devenv import reads [tools] only" });
  }
  const tools = doc.tools;
  if (tools === undefined) return { entries, notMapped };
  if (!isTable(tools)) return { entries, notMapped: [...notMapped, { file, what: "tools", why: "not a table" }] };
  for (const [tool, value] of Object.entries(tools)) {
    const e = toolEntry(file, lineOf(text, tool), tool, value);
    ("tool" in e ? entries : notMapped).push(e as never);
  }
  return { entries, notMapped };
}

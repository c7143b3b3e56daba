/**
 * Reading an aqua entry's fields with their types checked: a field of the wrong shape is refused
 * naming it (never guessed at), and the keys aqua's schema has are listed so that an unknown key is
 * refused too instead of silently ignored. Pure.
 */
import { AquaUnsupportedError } from "./types.js";

export type Info = Record<string, unknown>;

export function str(pkg: string, info: Info, key: string): string | undefined {
  const v = info[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === "string") return v;
  if (typeof v === "number") return String(v);
  throw new AquaUnsupportedError(pkg, `'${key}' that is not a string`);
}

export function bool(pkg: string, info: Info, key: string): boolean | undefined {
  const v = info[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === "boolean") return v;
  throw new AquaUnsupportedError(pkg, `'${key}' that is not true or false`);
}

export function list(pkg: string, info: Info, key: string): unknown[] | undefined {
  const v = info[key];
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) return v;
  throw new AquaUnsupportedError(pkg, `'${key}' that is not a list`);
}

export function obj(pkg: string, info: Info, key: string): Info | undefined {
  const v = info[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === "object" && !Array.isArray(v)) return v as Info;
  throw new AquaUnsupportedError(pkg, `'${key}' that is not a mapping`);
}

/** `replacements`: a mapping of names to names. */
export function stringMap(pkg: string, info: Info, key: string): Record<string, string> | undefined {
  const m = obj(pkg, info, key);
  if (!m) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(m)) {
    if (typeof v !== "string" && typeof v !== "number") throw new AquaUnsupportedError(pkg, `'${key}.${k}' that is not a string`);
    out[k] = String(v);
  }
  return out;
}

export const strings = (pkg: string, info: Info, key: string): string[] | undefined => list(pkg, info, key)?.map((v) => {
  if (typeof v !== "string") throw new AquaUnsupportedError(pkg, `'${key}' with an element that is not a string`);
  return v;
});

/** Keys devenv reads or may ignore (Windows-only, source builds, search metadata), per aqua's schema. */
const IGNORED = ["windows_arm_emulation", "complete_windows_ext", "windows_ext", "build", "go_version_path", "version_source", "crate", "cargo"];
const SHARED = ["type", "repo_owner", "repo_name", "asset", "url", "path", "format", "files", "replacements", "overrides", "format_overrides", "supported_envs", "version_filter", "version_prefix", "rosetta2", "no_asset", "error_message", "append_ext", "checksum", "cosign", "slsa_provenance", "minisign", "github_artifact_attestations", "vars", "version_constraint", ...IGNORED];
export const PACKAGE_KEYS = new Set([...SHARED, "name", "aliases", "description", "link", "search_words", "private", "version_overrides"]);
export const VERSION_OVERRIDE_KEYS = new Set(SHARED);
export const OVERRIDE_KEYS = new Set(["goos", "goarch", "envs", "variants", "type", "asset", "url", "path", "format", "files", "replacements", "checksum", "cosign", "slsa_provenance", "minisign", "github_artifact_attestations", "append_ext", "vars", ...IGNORED]);

export function checkKeys(pkg: string, info: Info, known: Set<string>, where: string): void {
  for (const k of Object.keys(info)) if (!known.has(k)) throw new AquaUnsupportedError(pkg, `the field '${k}' ${where}`);
}

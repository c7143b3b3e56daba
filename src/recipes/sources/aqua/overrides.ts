/**
 * How aqua merges an entry with the `version_overrides` element chosen for a version, and then with
 * `format_overrides` and the first matching `overrides` element for a platform. Pure: returns new
 * objects, never changes the entry.
 */
import { type AquaRuntime, overrideMatches } from "./envs.js";
import { checkKeys, type Info, list, OVERRIDE_KEYS, str, stringMap } from "./fields.js";

/** Fields that make no sense for a type: cleared when an override changes the type (aqua resets them). */
const RESET_BY_TYPE: Record<string, string[]> = {
  github_release: ["url", "path", "crate", "go_version_path", "cargo"],
  github_content: ["url", "asset", "crate", "go_version_path", "cargo"],
  github_archive: ["url", "path", "asset", "crate", "go_version_path", "cargo", "format"],
  http: ["path", "asset", "go_version_path"],
  go_install: ["url", "asset", "crate", "cargo", "windows_ext", "complete_windows_ext", "cosign", "slsa_provenance", "minisign", "github_artifact_attestations", "format", "rosetta2", "windows_arm_emulation", "append_ext"],
  go_build: ["url", "asset", "crate", "cargo", "windows_ext", "complete_windows_ext", "cosign", "slsa_provenance", "minisign", "github_artifact_attestations", "format", "rosetta2", "windows_arm_emulation", "append_ext"],
  cargo: ["url", "asset", "path", "windows_ext", "complete_windows_ext", "cosign", "slsa_provenance", "minisign", "github_artifact_attestations", "format", "rosetta2", "windows_arm_emulation", "append_ext", "go_version_path"],
};

function setType(out: Info, type: string): void {
  for (const k of RESET_BY_TYPE[type] ?? []) delete out[k];
  out.type = type;
}

/** Plain string fields: an empty value does not override (the optional ones, below, do). */
const PLAIN_STRINGS = new Set(["repo_owner", "repo_name", "asset", "crate", "path", "format", "url", "version_source", "windows_ext"]);

/** The entry as a `version_overrides` element changes it: every field the element sets replaces the entry's. */
export function mergeVersionOverride(pkg: Info, vo: Info): Info {
  const out: Info = { ...pkg };
  const type = vo.type;
  if (typeof type === "string" && type !== "") setType(out, type);
  for (const [k, v] of Object.entries(vo)) {
    if (k === "version_constraint" || k === "type" || v === undefined || v === null) continue;
    if (PLAIN_STRINGS.has(k) && v === "") continue;
    out[k] = v;
  }
  return out;
}

/** The entry for one platform: `format_overrides` (first goos match), then the first matching `overrides` element. */
export function applyRuntimeOverrides(name: string, info: Info, rt: AquaRuntime): Info {
  const out: Info = { ...info };
  for (const fo of list(name, info, "format_overrides") ?? []) {
    const f = fo as Info;
    if (f && f.goos === rt.goos) {
      out.format = str(name, f, "format");
      break;
    }
  }
  const ov = (list(name, info, "overrides") ?? []).find((o) => o && typeof o === "object" && overrideMatches(o as Info, rt)) as Info | undefined;
  if (!ov) return out;
  checkKeys(name, ov, OVERRIDE_KEYS, "in an overrides element");
  const type = str(name, ov, "type");
  if (type) setType(out, type);
  for (const [k, v] of Object.entries(ov)) {
    if (["goos", "goarch", "envs", "variants", "type", "replacements"].includes(k) || v === undefined || v === null) continue;
    if (PLAIN_STRINGS.has(k) && v === "") continue;
    out[k] = v;
  }
  const base = stringMap(name, info, "replacements");
  const more = stringMap(name, ov, "replacements");
  out.replacements = base === undefined ? more : { ...base, ...more };
  return out;
}

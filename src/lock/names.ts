/**
 * The strings of devenv.lock that end up in paths and in the environment: tool names and versions
 * (a store entry is `<hash>-<tool>-<version>`, and its bin dir goes on PATH), part names and dirs.
 * devenv.lock arrives with a pull, so these are allow-lists, checked when the lock is read and
 * again where a store path is built. Every version a recipe or the fake upstreams know passes:
 * "14.2.0+1", "2024.12.16", "0.15.0-dev.1+abc1234", "1.24rc1", "3.12.7", "1.3.0.1-motley".
 */

import { hasControl, shown } from "../text.js";

/** A tool name, in devenv.ts (config/schema.ts), on the command line and in devenv.lock. */
export const TOOL_NAME = /^[a-z0-9][a-z0-9._-]*$/;

const VERSION = /^[0-9A-Za-z][0-9A-Za-z.+_-]*$/;
const PART_NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;
const DIR_PART = /^[A-Za-z0-9_][A-Za-z0-9._+-]*$/;
const MAX = 128;

/**
 * Why `v` cannot be a version (undefined when it can): letters, digits and `. + _ -`, starting with
 * a letter or digit, no `..`. So no `/` or `\` (paths), no `:` (PATH's separator), no quotes,
 * spaces or control characters (the store path is written into files and shell code).
 */
export function versionProblem(v: string): string | undefined {
  if (v.length <= MAX && VERSION.test(v) && !v.includes("..")) return undefined;
  return `${shown(v)} is not a version (letters, digits and . + _ -, at most ${MAX}; no '/', '\\', '..', ':', spaces or control characters)`;
}

export function toolNameProblem(n: string): string | undefined {
  if (n.length <= MAX && TOOL_NAME.test(n)) return undefined;
  return `${shown(n)} is not a tool name (lowercase letters, digits and . _ -, as devenv.ts allows)`;
}

export function partNameProblem(n: string): string | undefined {
  if (n.length <= MAX && PART_NAME.test(n) && !n.includes("..")) return undefined;
  return `${shown(n)} is not a part name (letters, digits and . + _ -; no '/', '..', spaces or control characters)`;
}

/** A relative directory inside the install: `/`-separated names, none of them `.` or `..`. */
export function partDirProblem(d: string): string | undefined {
  if (d.length <= 255 && d.split("/").every((c) => DIR_PART.test(c) && !c.includes(".."))) return undefined;
  return `${shown(d)} is not a relative directory inside the install (names of letters, digits and . + _ -, separated by '/'; no '..')`;
}

/** Free text (the request as devenv.ts wrote it): anything printable. */
export function textProblem(t: string, what: string): string | undefined {
  if (t.length >= 1 && t.length <= 200 && !hasControl(t)) return undefined;
  return `${shown(t)} is not ${what} (1 to 200 characters, no control characters)`;
}

/**
 * An http(s) URL or `npm:<package path>`: no spaces, control characters or backslashes (which URL
 * parsers read differently), and for npm no `..` path segment. The recipe checks the rest.
 */
export function urlProblem(u: string): string | undefined {
  const bad = `${shown(u)} is not an http(s) URL or npm:<package path>`;
  if (u.length > 2048 || /[\s\\]/.test(u) || hasControl(u)) return bad;
  if (u.startsWith("npm:")) {
    const path = u.slice(4);
    return path && !path.startsWith("/") && path.split("/").every((s) => s !== "" && s !== "." && s !== "..") ? undefined : bad;
  }
  try {
    const parsed = new URL(u);
    return (parsed.protocol === "https:" || parsed.protocol === "http:") && /^https?:\/\/[^/]/.test(u) ? undefined : bad;
  } catch {
    return bad;
  }
}

/** An aqua package name: 2–4 `/`-separated names (BurntSushi/ripgrep, kubernetes/kubernetes/kubectl). */
const PACKAGE = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*){1,3}$/;
const REPO = /^[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function packageNameProblem(n: string): string | undefined {
  if (n.length <= 200 && PACKAGE.test(n) && !n.split("/").some((s) => s === "." || s === "..")) return undefined;
  return `${shown(n.slice(0, 200))} is not an aqua package name (owner/repo, letters, digits and . _ -)`;
}

/** A catalogue tool's lock source: `aqua:<package>` or `github:<owner>/<repo>` (undefined: fine). */
export function sourceProblem(s: string): string | undefined {
  if (s.startsWith("aqua:") && !packageNameProblem(s.slice(5))) return undefined;
  const repo = s.startsWith("github:") ? s.slice(7) : "";
  if (repo.length <= 200 && REPO.test(repo) && !repo.split("/").some((p) => p === "." || p === "..")) return undefined;
  return `${shown(s.slice(0, 200))} is not a catalogue source`;
}

/** Where a catalogue entry came from: the public aqua registry, or one of the project's own (devenv.ts aquaRegistries). */
export function catalogRegistryProblem(r: string): string | undefined {
  if (r === "aquaproj/aqua-registry" || r === "project") return undefined;
  return `${shown(r.slice(0, 200))} is not a registry devenv reads ("aquaproj/aqua-registry", or "project" for devenv.ts's aquaRegistries)`;
}

import { isAbsolute, resolve } from "node:path";
import type { z } from "zod";
import { parseCacheUrl } from "../cache/url.js";
import { DevenvError } from "../errors.js";
import { versionProblem } from "../lock/names.js";
import { hasRecipe } from "../../recipes/index.js";
import type { PlatformKey } from "../recipes/types.js";
import { envRefusal } from "./env-names.js";
import { configSchema, postgresServiceSchema, processSchema, servicesSchema } from "./schema.js";
import { normaliseServices, type ServicesConfig } from "./services.js";

/** One tool as the project asks for it. */
export interface ToolRequest {
  name: string;
  /** The version range as written ("20", "^1.2", "latest"). */
  range: string;
  /** Options besides `version` (for inline tools: url, sha256, bin, strip). */
  options: Record<string, unknown>;
  inline: boolean;
  /** `checksum: "first-download"` in devenv.ts: lock a file no upstream hashed by hashing it once (kept out of `options`). */
  checksum?: "first-download";
  /** Not in devenv.ts's tools: added because something else needs it (services.postgres needs postgres). */
  implicit?: string;
  /**
   * Not a built-in recipe: a catalogue tool (found by its name in the aqua registry, or named by an
   * `aqua` or `github` option). Which package it is is known only once the catalogue is read.
   */
  catalog?: true;
  /** The lock's `source` for this request once its recipe is known (catalogue tools: "aqua:…", "github:…"). */
  source?: string;
  /** A catalogue tool's project registries (devenv.ts `aquaRegistries`: YAML texts), searched before the public one. */
  registries?: readonly string[];
}

export interface ProjectConfig {
  root: string;
  file: string;
  tools: ToolRequest[];
  env: Record<string, string>;
  platforms: PlatformKey[];
  autoInstall: boolean;
  /** `strictChecksums: true`: no first-download checksum may be locked or used. */
  strictChecksums?: boolean;
  /**
   * Every local file the config was compiled from (absolute paths, devenv.ts first): an edit to any
   * of them is an edit to the config (a new trust check, a stale cached activation).
   */
  inputs: string[];
  /** `services` and `processes`, for `devenv up` (absent when devenv.ts has neither). */
  services?: ServicesConfig;
  /** devenv.ts `aquaRegistries`: the project's own registry files' texts (catalogue tools search them first). */
  aquaRegistries?: string[];
  /** devenv.ts `cache`: the team's artifact cache (an oci-layout: dir made absolute against the root). */
  cache?: CacheSetting;
}

/** A cache as configured (devenv.ts, the user's config file or DEVENV_CACHE). */
export interface CacheSetting {
  url: string;
  pull: boolean;
  push: boolean;
}

/** Validate an evaluated devenv.ts against the schema and turn it into requests. */
export function normaliseConfig(value: unknown, root: string, file: string, inputs: string[] = [file]): ProjectConfig {
  const parsed = configSchema.safeParse(value, { reportInput: true });
  if (!parsed.success) throw schemaError(parsed.error, file);
  const cfg = parsed.data;
  const tools: ToolRequest[] = [];
  for (const [name, spec] of Object.entries(cfg.tools ?? {})) {
    const { version, checksum, ...options } = typeof spec === "string" ? { version: spec, checksum: undefined } : spec;
    const inline = typeof options.url === "string";
    const named = ["aqua", "github"].filter((k) => options[k] !== undefined);
    if (named.length > 1 || (inline && named.length)) {
      throw new DevenvError("CONFIG_SCHEMA", `${file}: tools.${name}: ${[...(inline ? ["url"] : []), ...named].join(" and ")} name different sources`, {
        hint: "Give one: url (an inline tool), aqua (an aqua registry package) or github (a repository's releases).",
      });
    }
    if (inline && checksum !== undefined) {
      throw new DevenvError("CONFIG_SCHEMA", `${file}: tools.${name}.checksum: an inline tool's checksum is the sha256 devenv.ts gives`, {
        hint: `Drop checksum: "${checksum}" from tools.${name}; its sha256 already pins the download.`,
      });
    }
    if (inline) {
      if (options.sha256 === undefined) {
        throw new DevenvError("CONFIG_SCHEMA", `${file}: tools.${name}.sha256: required for a tool given by url`, {
          hint: `Add sha256: "<64 hex chars>" (or one per platform) next to url; 'sha256sum' of the download gives it.`,
        });
      }
      // The version names its store entry: the same rule as devenv.lock's versions (lock/names.ts).
      if (versionProblem(version) || version === "latest") {
        throw new DevenvError("CONFIG_SCHEMA", `${file}: tools.${name}.version: an inline tool needs one exact version, got '${version}'`, {
          hint: 'Write the exact version the url and sha256 belong to, e.g. version: "1.2.3".',
        });
      }
    }
    // Not a built-in recipe: the catalogue decides, when locking, whether the name is a tool.
    const catalog = !inline && (named.length > 0 || !hasRecipe(name));
    const registries = catalog && cfg.aquaRegistries?.length ? { registries: cfg.aquaRegistries } : {};
    tools.push({ name, range: version.trim(), options, inline, ...(checksum ? { checksum } : {}), ...(catalog ? { catalog: true as const } : {}), ...registries });
  }
  checkEnvNames(cfg.env ?? {}, new Set(cfg.unsafeEnv ?? []), file);
  const services = normaliseServices(cfg, file);
  if (services?.postgres && !tools.some((t) => t.name === "postgres")) {
    tools.push({ name: "postgres", range: "latest", options: {}, inline: false, implicit: "services.postgres" });
  }
  return {
    root,
    file,
    tools,
    env: cfg.env ?? {},
    platforms: cfg.platforms ?? [],
    autoInstall: cfg.autoInstall ?? true,
    ...(cfg.strictChecksums ? { strictChecksums: true } : {}),
    inputs,
    ...(services ? { services } : {}),
    ...(cfg.aquaRegistries?.length ? { aquaRegistries: cfg.aquaRegistries } : {}),
    ...(cfg.cache ? { cache: projectCache(cfg.cache, root, file) } : {}),
  };
}

/** devenv.ts `cache`: the URL checked (a schema error naming the field), an oci-layout: dir relative to the root. */
function projectCache(c: { url: string; pull?: boolean | undefined; push?: boolean | undefined }, root: string, file: string): CacheSetting {
  let url = c.url;
  try {
    const loc = parseCacheUrl(url);
    if (loc.kind === "layout" && !isAbsolute(loc.dir)) url = `oci-layout:${resolve(root, loc.dir)}`;
  } catch (e) {
    throw new DevenvError("CONFIG_SCHEMA", `${file}: cache.url: ${(e as Error).message}`, { hint: (e as DevenvError).hint ?? "" });
  }
  return { url, pull: c.pull ?? true, push: c.push ?? false };
}

/** Refuse the names `env` may not set (env-names.ts); the loader ones only with an explicit `unsafeEnv`. */
function checkEnvNames(env: Record<string, string>, unlocked: Set<string>, file: string): void {
  for (const name of Object.keys(env)) {
    const refusal = envRefusal(name);
    if (!refusal || (refusal.kind === "loader" && unlocked.has(name))) continue;
    throw new DevenvError("CONFIG_SCHEMA", `${file}: env.${name}: not settable from devenv.ts: ${refusal.why}`, {
      hint:
        refusal.kind === "loader"
          ? `A tool that needs private libraries should find them through its own rpath or wrapper. If this project really needs it, opt in next to env: unsafeEnv: ["${name}"].`
          : `Use another name; ${name} cannot be set from devenv.ts (unsafeEnv unlocks only the loader's LD_*, DYLD_* and GCONV_PATH).`,
    });
  }
}

function schemaError(error: z.ZodError, file: string): DevenvError {
  const lines = error.issues.flatMap(objectBranch).map((issue) => {
    const path = issue.path.length ? issue.path.map(String).join(".") : "(the exported config)";
    return `${path}: ${describeIssue(issue)}`;
  });
  return new DevenvError("CONFIG_SCHEMA", `${file}: ${lines.join("; ")}`, {
    hint: "devenv.ts must export defineConfig({ tools: { name: \"range\" | { version, ... } }, env: { NAME: \"value\" } }); see devenv.schema.json.",
  });
}

/**
 * A tool given as an object that fails inside (checksum: "none", strip: -1): the object branch's
 * own issues with their paths, rather than "expected a string or an object".
 */
function objectBranch(issue: z.core.$ZodIssue): z.core.$ZodIssue[] {
  if (issue.code !== "invalid_union" || typeof issue.input !== "object" || issue.input === null || Array.isArray(issue.input)) return [issue];
  const inner = issue.errors.find((branch) => branch.length && branch.every((i) => i.path.length > 0));
  return inner ? inner.map((i) => ({ ...i, path: [...issue.path, ...i.path] })) : [issue];
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_union":
      return 'expected a version range string (e.g. "20") or an object with a string `version`';
    case "unrecognized_keys":
      return `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `'${k}'`).join(", ")} (expected ${expectedKeys(issue.path).join(", ")})`;
    case "invalid_type":
      return `expected ${issue.expected}, got ${issue.input === null ? "null" : Array.isArray(issue.input) ? "array" : typeof issue.input}`;
    case "invalid_format":
      return `expected ${issue.message ?? issue.format}`;
    default:
      return issue.message;
  }
}

/** The keys the object at `path` may have, for an unknown-key message. */
function expectedKeys(path: PropertyKey[]): string[] {
  const shape = (s: z.ZodType): string[] => Object.keys((s as unknown as { shape?: Record<string, unknown> }).shape ?? {});
  if (path.length === 0) return shape(configSchema).filter((k) => k !== "$schema");
  if (path[0] === "services" && path.length === 1) return shape(servicesSchema);
  if (path[0] === "services" && path[1] === "postgres") return shape(postgresServiceSchema);
  if (path[0] === "processes" && path.length === 2) return shape(processSchema);
  if (path[0] === "processes" && path[2] === "ready") return ["tcp", "http", "exec"];
  return ["version", "url", "sha256", "bin", "strip", "checksum", "aqua", "github", "asset"];
}

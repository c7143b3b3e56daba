/**
 * The npm registry the user has configured, read the way npm reads it: `npm_config_*` environment
 * variables, then the user's .npmrc, then the global npmrc; when none names a registry, npm itself
 * is asked (`npm config get registry`), so devenv never carries a registry address of its own.
 */
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { DevenvError } from "../errors.js";
import { readIfExists } from "./fs.js";

export interface NpmRegistry {
  /** Base URL ending in "/". */
  url: string;
  /** Bearer token from `//host/path/:_authToken=`, if the user configured one. */
  token?: string;
}

type Ini = Map<string, string>;

/** Parse an .npmrc (ini without sections): `key = value`, `;`/`#` comments, `${VAR}` expanded. */
export function parseNpmrc(text: string, env: NodeJS.ProcessEnv): Ini {
  const out: Ini = new Map();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith(";") || line.startsWith("#")) continue;
    const eq = line.indexOf("=");
    if (eq <= 0) continue;
    let value = line.slice(eq + 1).trim();
    if (/^".*"$/.test(value)) value = value.slice(1, -1);
    value = value.replace(/\$\{([^}]+)\}/g, (_m, name: string) => env[name] ?? "");
    out.set(line.slice(0, eq).trim(), value);
  }
  return out;
}

function readIni(file: string | undefined, env: NodeJS.ProcessEnv): Ini {
  if (!file) return new Map();
  const text = readIfExists(file, { what: "the npm config", hint: "devenv reads npm's registry settings from it, as npm does: fix its permissions, or move it aside." });
  return text === undefined ? new Map() : parseNpmrc(text, env);
}

/** `npm_config_foo_bar` / `NPM_CONFIG_FOO_BAR` → value of `foo-bar` (and of scoped keys like `@scope:registry`). */
function envConfig(env: NodeJS.ProcessEnv): Ini {
  const out: Ini = new Map();
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined || !/^npm_config_/i.test(k)) continue;
    out.set(k.slice("npm_config_".length).toLowerCase().replace(/_/g, "-"), v);
    // Scoped keys keep their spelling (`npm_config_@scope:registry`).
    out.set(k.slice("npm_config_".length), v);
  }
  return out;
}

const withSlash = (u: string) => (u.endsWith("/") ? u : `${u}/`);

/** The `//host/path/` key npm uses for per-registry settings such as `_authToken`. */
export const nerfDart = (url: string) => {
  const u = new URL(url);
  return `//${u.host}${withSlash(u.pathname)}`;
};

export interface NpmConfigSources {
  env: NodeJS.ProcessEnv;
  /** Asks npm for its built-in default when no config names a registry. */
  askNpm?: () => string;
}

/**
 * A resolver from package name to its registry: `@scope:registry` for scoped packages, else
 * `registry`. Config files are read once; npm is asked at most once, and only when needed.
 */
export function npmRegistryResolver(src: NpmConfigSources): (pkg: string) => NpmRegistry {
  const { env } = src;
  let layers: Ini[] | undefined;
  const load = () => {
    if (layers) return layers;
    const fromEnv = envConfig(env);
    const userFile = fromEnv.get("userconfig") ?? join(env.HOME ?? homedir(), ".npmrc");
    const user = readIni(userFile, env);
    const prefix = fromEnv.get("prefix") ?? user.get("prefix") ?? dirname(dirname(process.execPath));
    const globalFile = fromEnv.get("globalconfig") ?? user.get("globalconfig") ?? join(prefix, "etc", "npmrc");
    layers = [fromEnv, user, readIni(globalFile, env)];
    return layers;
  };
  const get = (key: string) => {
    for (const l of load()) {
      const v = l.get(key);
      if (v !== undefined && v !== "") return v;
    }
    return undefined;
  };
  let asked: string | undefined;
  const defaultRegistry = () => {
    asked ??= (src.askNpm ?? askNpm)();
    return asked;
  };
  return (pkg) => {
    const scope = /^(@[^/%]+)(?:\/|%2f)/i.exec(pkg)?.[1];
    const url = withSlash((scope && get(`${scope}:registry`)) || get("registry") || defaultRegistry());
    let token: string | undefined;
    try {
      token = get(`${nerfDart(url)}:_authToken`);
    } catch {
      throw new DevenvError("USAGE", `npm registry '${url}' is not a URL`, { hint: "Fix the registry setting in your .npmrc or npm_config_registry." });
    }
    return { url, ...(token ? { token } : {}) };
  };
}

function askNpm(): string {
  try {
    // Loaded here: child_process (with net and streams) is not needed at start-up (the hook's first visit).
    const out = process.getBuiltinModule("node:child_process").execFileSync("npm", ["config", "get", "registry"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 30_000 }).trim();
    if (/^https?:\/\//.test(out)) return out;
  } catch {
    /* fall through */
  }
  throw new DevenvError("USAGE", "no npm registry configured and 'npm config get registry' did not answer", {
    hint: "Set registry=<url> in ~/.npmrc or npm_config_registry, or install npm.",
  });
}

/** `npm:<path>` → the registry URL it names for this user (path starts with the package name). */
export function resolveNpmUrl(url: string, registryFor: (pkg: string) => NpmRegistry): { url: string; token?: string } {
  const path = url.slice("npm:".length);
  const reg = registryFor(path);
  return { url: reg.url + path, ...(reg.token ? { token: reg.token } : {}) };
}

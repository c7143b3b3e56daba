import { statSync } from "node:fs";
import { DevenvError } from "../errors.js";
import { resolveDirs, type Dirs } from "../platform/dirs.js";
import { readIfExists } from "../platform/fs.js";
import { hostPlatform } from "../platform/host.js";
import { PLATFORM_KEYS } from "../platform/keys.js";
import { createHttp, type Http } from "../platform/http.js";
import { httpLimitsFromEnv } from "../platform/http-limits.js";
import { npmRegistryResolver } from "../platform/npm-config.js";
import { mirrorsFromObject, parseMirrors, type MirrorMap } from "../platform/mirrors.js";
import type { PlatformKey } from "../recipes/types.js";
import type { CacheSetting } from "../config/normalise.js";
import { silentReporter, type Reporter } from "../reporter.js";

/** Everything a use case needs from the outside world, built once per CLI invocation. */
export interface AppContext {
  cwd: string;
  env: NodeJS.ProcessEnv;
  dirs: Dirs;
  http: Http;
  offline: boolean;
  platform: PlatformKey;
  reporter: Reporter;
  /** Seconds a cached version list stays fresh. */
  versionsTtl: number;
  /**
   * The user's own cache setting (DEVENV_CACHE, else the config file's `cache`): it wins over
   * devenv.ts's. "off": DEVENV_CACHE=off, no cache at all. Checked when a cache is opened.
   */
  userCache?: { setting: CacheSetting; from: string } | "off";
}

interface UserConfig {
  mirrors?: Record<string, string>;
  cache?: { url?: unknown; pull?: unknown; push?: unknown };
}

function readUserConfig(file: string): UserConfig {
  const text = readIfExists(file, { what: "the user config", hint: `Fix its permissions, or move it aside to run without it (mirrors are set there).` });
  if (text === undefined) return {};
  try {
    const cfg = JSON.parse(text) as UserConfig;
    if (cfg.mirrors !== undefined && (typeof cfg.mirrors !== "object" || cfg.mirrors === null)) throw new Error("mirrors must be an object");
    const c = cfg.cache;
    if (c !== undefined && (typeof c !== "object" || c === null || typeof c.url !== "string" || !c.url || [c.pull, c.push].some((b) => b !== undefined && typeof b !== "boolean"))) {
      throw new Error('cache must be { "url": "oci://host/namespace/repo", "pull"?: true|false, "push"?: true|false }');
    }
    return cfg;
  } catch (e) {
    throw new DevenvError("USAGE", `${file}: ${(e as Error).message}`, {
      hint: 'The user config is JSON, e.g. { "mirrors": { "https://nodejs.org/dist": "https://mirror.example/node" } }.',
    });
  }
}

export function createContext(opts: { cwd?: string; env?: NodeJS.ProcessEnv; offline?: boolean; reporter?: Reporter } = {}): AppContext {
  const env = opts.env ?? process.env;
  const dirs = resolveDirs(env);
  const user = readUserConfig(dirs.configFile);
  // The environment wins over the config file for the same prefix.
  const mirrors: MirrorMap = [...mirrorsFromObject(user.mirrors), ...parseMirrors(env.DEVENV_MIRRORS)];
  const offline = opts.offline || env.DEVENV_OFFLINE === "1" || env.DEVENV_OFFLINE === "true";
  const platform = hostPlatform();
  if (!platform) {
    throw new DevenvError("UNSUPPORTED_PLATFORM", `devenv does not support ${process.platform}-${process.arch}`, {
      hint: `Supported: ${PLATFORM_KEYS.join(", ")}.`,
    });
  }
  const ttl = Number.parseInt(env.DEVENV_VERSIONS_TTL ?? "", 10);
  return {
    cwd: opts.cwd ?? logicalCwd(env),
    env,
    dirs,
    http: createHttp({
      mirrors,
      offline,
      // GH_TOKEN is the GitHub CLI's name for the same token.
      ...(env.GITHUB_TOKEN || env.GH_TOKEN ? { githubToken: (env.GITHUB_TOKEN || env.GH_TOKEN)! } : {}),
      ...(env.DEVENV_HTTP_BACKOFF_MS ? { backoffMs: Number(env.DEVENV_HTTP_BACKOFF_MS) } : {}),
      npmRegistry: npmRegistryResolver({ env }),
      // Read at the first request: a bad DEVENV_HTTP_* value fails what needs the network, not `exec`.
      limits: () => httpLimitsFromEnv(env),
    }),
    offline,
    platform,
    reporter: opts.reporter ?? silentReporter,
    versionsTtl: Number.isFinite(ttl) && ttl >= 0 ? ttl : 3600,
    ...userCache(env, user, dirs.configFile),
  };
}

/** DEVENV_CACHE (a URL, or "off"/"0"/"false") wins over the config file's `cache`. */
function userCache(env: NodeJS.ProcessEnv, user: UserConfig, file: string): Pick<AppContext, "userCache"> {
  const v = env.DEVENV_CACHE?.trim();
  if (v) {
    if (/^(off|0|false|no|none)$/i.test(v)) return { userCache: "off" };
    return { userCache: { setting: { url: v, pull: true, push: false }, from: "DEVENV_CACHE" } };
  }
  const c = user.cache;
  if (!c) return {};
  return { userCache: { setting: { url: c.url as string, pull: c.pull !== false, push: c.push === true }, from: file } };
}

/**
 * The working directory as the user's shell names it: $PWD when it is the same directory as the
 * real cwd (so a project entered through a symlink is found, and keyed, as the hook finds it).
 */
export function logicalCwd(env: NodeJS.ProcessEnv = process.env): string {
  const real = process.cwd();
  const pwd = env.PWD;
  if (!pwd || !pwd.startsWith("/") || pwd === real) return real;
  try {
    const a = statSync(pwd);
    const b = statSync(real);
    if (a.dev === b.dev && a.ino === b.ino && !/(^|\/)\.\.?(\/|$)/.test(pwd)) return pwd;
  } catch {
    /* fall through */
  }
  return real;
}

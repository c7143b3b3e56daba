import { DevenvError, redactUrl } from "../errors.js";

/**
 * The bounds every HTTP request runs under. A silent server fails after `firstByteMs` at most; a
 * request (retries and redirects included) gets its response headers within
 * `connectMs + firstByteMs` or fails; a body fails when no byte came for `idleMs`, or when fewer than
 * `minSpeed` bytes/s arrived over `minSpeedMs` (curl's --speed-limit/--speed-time). Time the reader
 * spends not reading (back-pressure) does not count.
 */
export interface HttpLimits {
  connectMs: number;
  firstByteMs: number;
  idleMs: number;
  /** Bytes per second; 0 turns the speed check off. */
  minSpeed: number;
  minSpeedMs: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  connectMs: 10_000,
  firstByteMs: 30_000,
  idleMs: 30_000,
  minSpeed: 1024,
  minSpeedMs: 30_000,
};

/** The environment variable behind each limit (what an error tells the user to change). */
export const LIMIT_VARS = {
  connectMs: "DEVENV_HTTP_CONNECT_TIMEOUT",
  firstByteMs: "DEVENV_HTTP_FIRST_BYTE_TIMEOUT",
  idleMs: "DEVENV_HTTP_IDLE_TIMEOUT",
  minSpeed: "DEVENV_HTTP_MIN_SPEED",
  minSpeedMs: "DEVENV_HTTP_MIN_SPEED_TIME",
} as const satisfies Record<keyof HttpLimits, string>;

/** Read the limits from DEVENV_HTTP_* (seconds; MIN_SPEED in bytes/s); a bad value is a usage error. */
export function httpLimitsFromEnv(env: NodeJS.ProcessEnv): HttpLimits {
  const out = { ...DEFAULT_HTTP_LIMITS };
  for (const key of Object.keys(LIMIT_VARS) as Array<keyof HttpLimits>) {
    const name = LIMIT_VARS[key];
    const raw = env[name];
    if (raw === undefined || raw.trim() === "") continue;
    const speed = key === "minSpeed";
    const n = /^\s*\d+(\.\d+)?\s*$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isFinite(n) || (!speed && n <= 0) || n > 86_400 * (speed ? 1e6 : 1)) {
      throw new DevenvError("USAGE", `${name}=${JSON.stringify(raw)} is not ${speed ? "a number of bytes per second" : "a number of seconds greater than 0"}`, {
        hint: speed
          ? `Give bytes per second, e.g. ${name}=${DEFAULT_HTTP_LIMITS.minSpeed} (0 turns the speed check off), or unset it.`
          : `Give seconds, e.g. ${name}=${DEFAULT_HTTP_LIMITS[key] / 1000} (fractions like 0.5 work), or unset it.`,
      });
    }
    out[key] = speed ? Math.floor(n) : Math.round(n * 1000);
  }
  return out;
}

const secs = (ms: number) => `${Number((ms / 1000).toFixed(3))} s`;

export const hostOf = (url: string) => {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
};

const NETWORK_HINT = "check the network, HTTPS_PROXY/NO_PROXY, or point DEVENV_MIRRORS at a reachable mirror";

export type TimeoutKind = "connect" | "firstByte" | "response" | "idle" | "minSpeed";

/**
 * The error for a bound that was hit: which host, what did not happen in how long, which setting
 * changes it. The first line is the same every time the same bound is hit (the hook and the watcher
 * show a message once per content).
 */
export function timeoutError(kind: TimeoutKind, url: string, limits: HttpLimits, cause?: unknown): DevenvError {
  const host = hostOf(url);
  const u = redactUrl(url);
  const opts = (key: keyof HttpLimits, what: string) => ({ cause, hint: `${what}: set ${LIMIT_VARS[key]}, or ${NETWORK_HINT}.` });
  switch (kind) {
    case "connect":
      return new DevenvError("HTTP", `${host} did not answer: no connection to ${host} within ${secs(limits.connectMs)} (fetching ${u})`,
        opts("connectMs", "To wait longer for a connection"));
    case "firstByte":
      return new DevenvError("HTTP", `${host} did not answer: no response to ${u} within ${secs(limits.firstByteMs)}`,
        opts("firstByteMs", "To wait longer for the first byte of a response"));
    case "response":
      // The whole request (retries and redirects included) ran out of its connect + first-byte time.
      return new DevenvError("HTTP", `${host} did not answer: no response to ${u} within ${secs(limits.connectMs + limits.firstByteMs)} (retries and redirects included)`,
        opts("firstByteMs", "To wait longer for a response"));
    case "idle":
      return new DevenvError("HTTP", `${host} stopped sending: no data for ${secs(limits.idleMs)} while downloading ${u}`,
        opts("idleMs", "To wait longer for a stalled download"));
    case "minSpeed":
      return new DevenvError("HTTP", `${host} is too slow: under ${limits.minSpeed} bytes/s for ${secs(limits.minSpeedMs)} while downloading ${u}`, {
        cause,
        hint: `To accept slower downloads: lower ${LIMIT_VARS.minSpeed} (bytes/s; 0 turns the check off) or raise ${LIMIT_VARS.minSpeedMs} (seconds), or ${NETWORK_HINT}.`,
      });
  }
}

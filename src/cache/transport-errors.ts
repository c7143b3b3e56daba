/**
 * How the cache's requests are bounded and how their failures read: the cache's short connect and
 * first-byte ceilings, and TransportError, whose message is built here from an error code and the
 * URL, never from an undici error (which can carry the request's headers) and never with a header value.
 */
import { redactUrl } from "../errors.js";
import { hostOf, httpLimitsFromEnv, timeoutError, type HttpLimits } from "../platform/http-limits.js";

/** The cache's own ceilings: a registry that is down or silent costs at most this before upstream is used. */
export const CACHE_CONNECT_MS = 3_000;
export const CACHE_FIRST_BYTE_MS = 10_000;

/** DEVENV_HTTP_* limits, with connect and first byte capped at the cache's ceilings; `given` wins over both. */
export function cacheLimits(env: NodeJS.ProcessEnv, given: Partial<HttpLimits> = {}): HttpLimits {
  const base = httpLimitsFromEnv(env);
  return {
    ...base,
    connectMs: Math.min(base.connectMs, CACHE_CONNECT_MS),
    firstByteMs: Math.min(base.firstByteMs, CACHE_FIRST_BYTE_MS),
    ...Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)),
  };
}

/** Why a request got no answer: "timeout" (a bound), "network" (refused, reset, DNS, TLS), "redirect" (an unusable Location). */
export class TransportError extends Error {
  constructor(readonly kind: "timeout" | "network" | "redirect", readonly url: string, message: string, readonly hint?: string, readonly code?: string) {
    super(message);
    this.name = "TransportError";
  }
}

export function timeoutMessage(kind: "connect" | "firstByte" | "response", url: string, lim: HttpLimits): TransportError {
  const e = timeoutError(kind, url, lim);
  return new TransportError("timeout", url, e.message, e.hint, kind);
}

export function uploadStalled(url: string, lim: HttpLimits): TransportError {
  const host = hostOf(url);
  return new TransportError("timeout", url, `${host} stopped taking data: nothing could be sent for ${lim.idleMs / 1000} s while uploading to ${redactUrl(url)}`,
    "To wait longer for a stalled upload: set DEVENV_HTTP_IDLE_TIMEOUT; or check the network and the registry.", "idle");
}

/** A failure named by its code in plain words, never by undici's text (which may quote the request). */
export function networkError(url: string, e: unknown): TransportError {
  const err = e as { code?: unknown; cause?: { code?: unknown } };
  const raw = typeof err?.code === "string" ? err.code : typeof err?.cause?.code === "string" ? err.cause.code : "";
  const code = /^[A-Z0-9_]{1,60}$/.test(raw) ? raw : "UNKNOWN";
  const tls = /CERT|TLS|SSL|SIGNED|UNABLE_TO/.test(code);
  const words = WORDS[code] ?? (tls ? "its TLS certificate was not accepted" : "the request failed");
  return new TransportError("network", url, `${hostOf(url)}: ${words} (${code}) at ${redactUrl(url)}`,
    tls ? "A registry with a certificate of a private CA: put the CA file in NODE_EXTRA_CA_CERTS." : undefined, code);
}

const WORDS: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "the connection was reset",
  EPIPE: "the connection was closed",
  ENOTFOUND: "no such host",
  EAI_AGAIN: "the host name could not be resolved",
  EHOSTUNREACH: "the host is unreachable",
  ENETUNREACH: "the network is unreachable",
  UND_ERR_SOCKET: "the connection was closed",
  UND_ERR_CLOSED: "the connection was closed",
};

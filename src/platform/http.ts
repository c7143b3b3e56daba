import type { Readable } from "node:stream";
import { DevenvError, redactUrl } from "../errors.js";
import { boundedBody } from "./http-body.js";
import { DEFAULT_HTTP_LIMITS, hostOf, timeoutError, type HttpLimits } from "./http-limits.js";
import { applyMirrors, type MirrorMap } from "./mirrors.js";
import { resolveNpmUrl, type NpmRegistry } from "./npm-config.js";

export interface HttpOptions {
  mirrors: MirrorMap;
  offline: boolean;
  githubToken?: string;
  retries?: number;
  /** Base delay of the exponential backoff, in ms. */
  backoffMs?: number;
  userAgent?: string;
  /** The registry for an npm package (for `npm:` URLs); from the user's npm configuration. */
  npmRegistry?: (pkg: string) => NpmRegistry;
  /** Timeouts and minimum speed; a function is called at the first request (DEVENV_HTTP_* are read only when needed). */
  limits?: Partial<HttpLimits> | (() => HttpLimits);
}

export interface HttpResponse {
  /** The URL actually requested (after mirrors). */
  url: string;
  /** Where the body came from: `url` after redirects. */
  finalUrl: string;
  status: number;
  size: number | undefined;
  /** The `rel="next"` target of a Link header (paginated APIs), if any. */
  next: string | undefined;
  body: Readable;
}

export interface Http {
  get(url: string, opts?: { accept?: string }): Promise<HttpResponse>;
  text(url: string, opts?: { accept?: string }): Promise<string>;
  json<T = unknown>(url: string): Promise<T>;
  /** Follow `Link: <…>; rel="next"` and concatenate the pages (arrays). */
  jsonPages<T>(url: string, maxPages: number): Promise<T[]>;
  /** The URL this client would fetch for `url` (mirrors applied). */
  resolve(url: string): string;
  readonly offline: boolean;
}

const RETRYABLE_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);
/** Failures that come quickly and often pass: retried. A timeout is never retried (see timeoutError). */
const RETRYABLE_CODES = new Set(["ECONNRESET", "ECONNREFUSED", "EPIPE", "EAI_AGAIN", "UND_ERR_SOCKET"]);
const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308]);
export const MAX_REDIRECTS = 8;

// One agent per connect timeout (in practice one per process). Redirects are followed by `get`
// itself, so that every hop has the same bounds and an error names the host it happened at.
const dispatchers = new Map<number, Promise<import("undici").Dispatcher>>();
function dispatcher(connectMs: number) {
  let d = dispatchers.get(connectMs);
  if (!d) {
    d = import("undici").then(({ EnvHttpProxyAgent }) => new EnvHttpProxyAgent({ connections: 16, connectTimeout: connectMs }));
    dispatchers.set(connectMs, d);
  }
  return d;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A failure of one hop of a request: the URL it happened at (after redirects) and what happened. */
class HopError extends Error {
  constructor(readonly url: string, readonly error: unknown) {
    super((error as Error)?.message ?? String(error));
  }
}

export function createHttp(opts: HttpOptions): Http {
  const retries = opts.retries ?? 3;
  const backoff = opts.backoffMs ?? 300;
  let limits: HttpLimits | undefined;
  const bounds = () => (limits ??= typeof opts.limits === "function" ? opts.limits() : { ...DEFAULT_HTTP_LIMITS, ...opts.limits });

  /** An `npm:` URL names a path in the user's npm registry; everything else is fetched as is (after mirrors). */
  function locate(url: string): { target: string; token?: string } {
    if (!url.startsWith("npm:")) return { target: applyMirrors(url, opts.mirrors) };
    if (!opts.npmRegistry) throw new DevenvError("USAGE", `no npm registry configured for ${url}`, { hint: "Set registry in ~/.npmrc or npm_config_registry." });
    const r = resolveNpmUrl(url, opts.npmRegistry);
    return { target: applyMirrors(r.url, opts.mirrors), ...(r.token ? { token: r.token } : {}) };
  }

  async function get(url: string, o: { accept?: string } = {}): Promise<HttpResponse> {
    if (opts.offline) {
      throw new DevenvError("OFFLINE", `offline: not fetching ${redactUrl(url)}`, {
        hint: "Unset DEVENV_OFFLINE / drop --offline, or install from an existing devenv.lock while online first.",
      });
    }
    const { target, token } = locate(url);
    const lim = bounds();
    const headers: Record<string, string> = { "user-agent": opts.userAgent ?? "devenv" };
    if (o.accept) headers.accept = o.accept;
    // The token is meant for GitHub's API: send it to requests addressed there (mirrored or not).
    if (opts.githubToken && url.startsWith("https://api.github.com/")) headers.authorization = `Bearer ${opts.githubToken}`;
    if (token) headers.authorization = `Bearer ${token}`;
    // Retries and redirects included, the response headers come within connect + first-byte time.
    const deadline = performance.now() + lim.connectMs + lim.firstByteMs;
    let lastError: unknown;
    let at = target;
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) {
        const wait = backoff * 2 ** (attempt - 1) * (0.75 + Math.random() / 2);
        if (performance.now() + wait >= deadline) break; // no time left: report what failed
        await sleep(wait);
      }
      let hop: { res: Awaited<ReturnType<typeof import("undici").request>>; url: string };
      try {
        hop = await follow(target, headers, deadline, lim);
      } catch (e) {
        if (!(e instanceof HopError)) throw e; // timeouts and redirect errors: never retried
        lastError = e.error;
        at = e.url;
        if (RETRYABLE_CODES.has((e.error as { code?: string }).code ?? "")) continue;
        break;
      }
      const { res } = hop;
      at = hop.url;
      if (res.statusCode >= 200 && res.statusCode < 300) {
        const len = res.headers["content-length"];
        const size = typeof len === "string" ? Number.parseInt(len, 10) : undefined;
        return {
          url: target,
          finalUrl: hop.url,
          status: res.statusCode,
          size: Number.isFinite(size) ? size : undefined,
          next: nextLink(res.headers.link),
          body: boundedBody(res.body, hop.url, lim),
        };
      }
      discard(res.body);
      lastError = statusError(res.statusCode, hop.url);
      if (!RETRYABLE_STATUS.has(res.statusCode)) break;
    }
    if (lastError instanceof DevenvError) throw lastError;
    throw new DevenvError("HTTP", `could not fetch ${redactUrl(at)} from ${hostOf(at)}: ${(lastError as Error)?.message ?? lastError}`, {
      cause: lastError,
      hint: "Check the network, HTTPS_PROXY/NO_PROXY, or point DEVENV_MIRRORS at a reachable mirror.",
    });
  }

  /** One GET, following redirects (at most MAX_REDIRECTS hops, never in a loop). */
  async function follow(start: string, headers: Record<string, string>, deadline: number, lim: HttpLimits) {
    const { request } = await import("undici");
    const d = await dispatcher(lim.connectMs);
    const hops = [start];
    let url = start;
    let h = headers;
    for (;;) {
      const res = await once(request, d, url, h, deadline, lim);
      const location = res.headers.location;
      if (!REDIRECT_STATUS.has(res.statusCode) || typeof location !== "string") return { res, url };
      discard(res.body); // a redirect's body is never read
      const next = redirectTarget(start, url, location);
      if (hops.includes(next)) {
        throw new DevenvError("HTTP", `redirect loop: ${redactUrl(start)} came back to ${redactUrl(next)} after ${hops.length} redirect${hops.length > 1 ? "s" : ""}`, {
          hint: `${hostOf(url)} redirects in a circle: the file cannot be fetched from there. Retry later, or point DEVENV_MIRRORS at a mirror.`,
        });
      }
      if (hops.length > MAX_REDIRECTS) {
        throw new DevenvError("HTTP", `too many redirects: ${redactUrl(start)} was redirected ${hops.length} times (last to ${redactUrl(next)}; at most ${MAX_REDIRECTS})`, {
          hint: `${hostOf(url)} keeps redirecting. Retry later, or point DEVENV_MIRRORS at a mirror.`,
        });
      }
      // Credentials are for the host they were meant for, never for the one it redirects to.
      if (new URL(next).origin !== new URL(url).origin && h.authorization) {
        const { authorization: _dropped, ...rest } = h;
        h = rest;
      }
      hops.push(next);
      url = next;
    }
  }

  async function read(res: HttpResponse): Promise<string> {
    const chunks: Buffer[] = [];
    try {
      for await (const c of res.body) chunks.push(c as Buffer);
    } catch (e) {
      if (e instanceof DevenvError) throw e;
      throw new DevenvError("HTTP", `reading ${redactUrl(res.finalUrl)} from ${hostOf(res.finalUrl)} failed: ${(e as Error)?.message ?? e}`, {
        cause: e,
        hint: "Retry; check the network, HTTPS_PROXY/NO_PROXY, or point DEVENV_MIRRORS at a reachable mirror.",
      });
    }
    return Buffer.concat(chunks).toString("utf8");
  }

  // Metadata (indexes, checksum files, API pages) is read once per process.
  const memo = new Map<string, Promise<string>>();
  const text = (url: string, o: { accept?: string } = {}) => {
    const key = `${o.accept ?? ""} ${url}`;
    let p = memo.get(key);
    if (!p) {
      p = get(url, o).then(read);
      p.catch(() => memo.delete(key));
      memo.set(key, p);
    }
    return p;
  };

  function parse<T>(url: string, body: string): T {
    try {
      return JSON.parse(body) as T;
    } catch (e) {
      throw new DevenvError("HTTP", `${redactUrl(url)} did not return JSON: ${(e as Error).message}`, {
        hint: "A proxy or mirror may be returning an error page; check DEVENV_MIRRORS.",
      });
    }
  }

  const json = async <T>(url: string) => parse<T>(url, await text(url, { accept: "application/json" }));

  // Release lists too: a lock asks for up to four platforms of one tool at once.
  const pagesMemo = new Map<string, Promise<unknown[]>>();
  function jsonPages<T>(url: string, maxPages: number): Promise<T[]> {
    const key = `${maxPages} ${url}`;
    let p = pagesMemo.get(key);
    if (!p) {
      p = fetchPages<T>(url, maxPages);
      p.catch(() => pagesMemo.delete(key));
      pagesMemo.set(key, p);
    }
    return p as Promise<T[]>;
  }

  async function fetchPages<T>(url: string, maxPages: number): Promise<T[]> {
    const out: T[] = [];
    let next: string | undefined = url;
    for (let page = 0; next && page < maxPages; page++) {
      const res = await get(next, { accept: "application/json" });
      const data = parse<T[]>(next, await read(res));
      if (!Array.isArray(data)) throw new DevenvError("HTTP", `${redactUrl(next)} did not return a list`, { hint: "Check DEVENV_MIRRORS and GITHUB_TOKEN." });
      out.push(...data);
      next = res.next;
    }
    return out;
  }

  return { get, text, json, jsonPages, resolve: (u) => locate(u).target, offline: opts.offline };
}

/** Drop a body we will not read (closing its connection: a stalled error page cannot hold us). */
function discard(body: Readable): void {
  body.on("error", () => {});
  body.destroy();
}

type Request = typeof import("undici").request;

/** One request to one URL under the bounds; a timeout is a DevenvError naming the host and setting. */
async function once(request: Request, dispatcher: import("undici").Dispatcher, url: string, headers: Record<string, string>, deadline: number, lim: HttpLimits) {
  const ac = new AbortController();
  let late = false;
  const timer = setTimeout(() => {
    late = true;
    ac.abort();
  }, Math.max(0, deadline - performance.now()));
  try {
    return await request(url, {
      method: "GET", headers, dispatcher, signal: ac.signal,
      headersTimeout: lim.firstByteMs,
      // A backstop: the bounded body's own idle check (which knows about back-pressure) comes first.
      bodyTimeout: lim.idleMs + 1000,
    });
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "UND_ERR_CONNECT_TIMEOUT") throw timeoutError("connect", url, lim, e);
    if (code === "UND_ERR_HEADERS_TIMEOUT") throw timeoutError("firstByte", url, lim, e);
    if (late) throw timeoutError("response", url, lim, e);
    throw new HopError(url, e);
  } finally {
    clearTimeout(timer);
  }
}

/** The absolute URL a Location header points to; only http(s). */
function redirectTarget(start: string, from: string, location: string): string {
  let next: URL | undefined;
  try {
    next = new URL(location, from);
  } catch {
    next = undefined;
  }
  if (!next || (next.protocol !== "https:" && next.protocol !== "http:")) {
    throw new DevenvError("HTTP", `${hostOf(from)} redirected ${redactUrl(start)} to an unusable location: ${JSON.stringify(location.slice(0, 200))}`, {
      hint: "Retry later, or point DEVENV_MIRRORS at a mirror.",
    });
  }
  next.hash = "";
  return next.toString();
}

function statusError(status: number, target: string): DevenvError {
  return new DevenvError("HTTP", `HTTP ${status} for ${redactUrl(target)}`, {
    hint: status === 404
      ? "The file is not there: check the version and platform, or the DEVENV_MIRRORS setting."
      : status === 403 || status === 429
        ? "Rate limited or forbidden: set GITHUB_TOKEN for GitHub, or retry later."
        : "Retry later, or point DEVENV_MIRRORS at a mirror.",
  });
}

/** The URL of `rel="next"` in an RFC 8288 Link header. */
export function nextLink(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header.join(",") : header;
  if (!value) return undefined;
  for (const part of value.split(/,(?=\s*<)/)) {
    const m = /<([^>]+)>\s*;(.*)$/.exec(part.trim());
    if (m && /\brel="?next"?/.test(m[2]!)) return m[1];
  }
  return undefined;
}

import type { Readable } from "node:stream";
import { DevenvError, redactUrl } from "../errors.js";
import { boundedBody } from "./http-body.js";
import { DEFAULT_HTTP_LIMITS, hostOf, type HttpLimits } from "./http-limits.js";
import { discard, follow, HopError, type Hop } from "./http-request.js";
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
  /**
   * The same pages one at a time, so a caller can stop as soon as it has what it needs. Pages are
   * read once per process and shared: a second walk (or `jsonPages` of the same URL) reuses the
   * pages already read and fetches only further ones.
   */
  jsonPageWalk<T>(url: string, maxPages: number): AsyncIterable<T[]>;
  /** The URL this client would fetch for `url` (mirrors applied). */
  resolve(url: string): string;
  readonly offline: boolean;
}

const RETRYABLE_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);
/** Failures that come quickly and often pass: retried. A timeout is never retried (see timeoutError). */
const RETRYABLE_CODES = new Set(["ECONNRESET", "ECONNREFUSED", "EPIPE", "EAI_AGAIN", "UND_ERR_SOCKET"]);

/**
 * The most devenv reads of a metadata document: the largest real ones (an npm packument of a
 * package with thousands of versions, a page of 100 GitHub releases with their assets) are a few
 * MB; a server that never stops sending must not fill memory.
 */
export const METADATA_MAX_BYTES = 64 << 20;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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
      let hop: Hop;
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
      // A spent rate limit is not retried: it lasts until its reset time.
      const limited = rateLimitError(res.statusCode, hop.url, res.headers, headers.authorization !== undefined);
      lastError = limited ?? statusError(res.statusCode, hop.url);
      if (limited || !RETRYABLE_STATUS.has(res.statusCode)) break;
    }
    if (lastError instanceof DevenvError) throw lastError;
    throw new DevenvError("HTTP", `could not fetch ${redactUrl(at)} from ${hostOf(at)}: ${(lastError as Error)?.message ?? lastError}`, {
      cause: lastError,
      hint: "Check the network, HTTPS_PROXY/NO_PROXY, or point DEVENV_MIRRORS at a reachable mirror.",
    });
  }

  /** A metadata document (index, checksum file, API page, packument), at most METADATA_MAX_BYTES. */
  async function read(res: HttpResponse): Promise<string> {
    const chunks: Buffer[] = [];
    let total = 0;
    try {
      for await (const c of res.body) {
        total += (c as Buffer).length;
        if (total > METADATA_MAX_BYTES) {
          res.body.destroy();
          throw new DevenvError("HTTP", `${hostOf(res.finalUrl)} sent more than ${METADATA_MAX_BYTES >> 20} MiB for ${redactUrl(res.finalUrl)}, which should be a small document (an index, a checksum file, a release list)`, {
            hint: "A mirror or proxy may be answering with something else: check DEVENV_MIRRORS and HTTPS_PROXY, or retry later.",
          });
        }
        chunks.push(c as Buffer);
      }
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

  // Release lists too: a lock asks for up to four platforms of one tool at once. Each URL's pages
  // form a chain: page i+1 is fetched from page i's Link header, once, whoever asks first.
  interface Page { items: unknown[]; next: string | undefined }
  const chains = new Map<string, Array<Promise<Page>>>();

  async function fetchPage(url: string): Promise<Page> {
    const res = await get(url, { accept: "application/json" });
    const data = parse<unknown[]>(url, await read(res));
    if (!Array.isArray(data)) throw new DevenvError("HTTP", `${redactUrl(url)} did not return a list`, { hint: "Check DEVENV_MIRRORS and GITHUB_TOKEN." });
    return { items: data, next: res.next === undefined ? undefined : nextPageUrl(url, res.finalUrl, res.next) };
  }

  async function* jsonPageWalk<T>(url: string, maxPages: number): AsyncGenerator<T[]> {
    let chain = chains.get(url);
    if (!chain) chains.set(url, (chain = []));
    let next: string | undefined = url;
    for (let i = 0; i < maxPages && next !== undefined; i++) {
      let p = chain[i];
      if (!p) {
        const fetched = fetchPage(next);
        // A failed page is forgotten (with any after it), so a later walk asks again.
        fetched.catch(() => { if (chain[i] === fetched) chain.length = i; });
        chain[i] = p = fetched;
      }
      const page = await p;
      yield page.items as T[];
      next = page.next;
    }
  }

  async function jsonPages<T>(url: string, maxPages: number): Promise<T[]> {
    const out: T[] = [];
    for await (const items of jsonPageWalk<T>(url, maxPages)) out.push(...items);
    return out;
  }

  return { get, text, json, jsonPages, jsonPageWalk, resolve: (u) => locate(u).target, offline: opts.offline };
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

type Headers = Record<string, string | string[] | undefined>;
const header = (h: Headers, name: string): string | undefined => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

/**
 * GitHub's answer when the API rate limit is spent (403 or 429 with `x-ratelimit-remaining: 0`; the
 * reset time from `retry-after` if given, else `x-ratelimit-reset`): what happened, when it resets,
 * and what to do. Never retried (it lasts until the reset). Undefined for any other answer.
 */
export function rateLimitError(status: number, target: string, h: Headers, sentToken: boolean, now = Date.now()): DevenvError | undefined {
  if (status !== 403 && status !== 429) return undefined;
  const remaining = header(h, "x-ratelimit-remaining");
  const retryAfter = Number.parseInt(header(h, "retry-after") ?? "", 10);
  if (remaining !== "0") return undefined;
  const resetSec = Number.parseInt(header(h, "x-ratelimit-reset") ?? "", 10);
  const resetMs = Number.isFinite(retryAfter) ? now + retryAfter * 1000 : Number.isFinite(resetSec) ? resetSec * 1000 : undefined;
  const when = resetMs === undefined
    ? "later"
    : `after ${new Date(resetMs).toISOString().replace(/\.\d{3}Z$/, "Z")} (in ${Math.max(1, Math.ceil((resetMs - now) / 60_000))} min)`;
  const limit = header(h, "x-ratelimit-limit");
  return new DevenvError("HTTP", `${hostOf(target)} refused ${redactUrl(target)}: GitHub API rate limit exceeded (HTTP ${status}${limit ? `; limit: ${limit} requests an hour` : ""})`, {
    hint: sentToken
      ? `The limit of the token in GITHUB_TOKEN is spent: retry ${when}.`
      : `Retry ${when}, or set GITHUB_TOKEN (or GH_TOKEN) to a GitHub token for 5000 requests an hour: devenv sends it only to api.github.com, or to the mirror your DEVENV_MIRRORS or user config puts in its place.`,
  });
}

/**
 * A list's next page stays where the list is: on the origin devenv asked (GitHub's API), or on the one
 * that answered (a mirror naming itself). A Link header pointing anywhere else, or from https to
 * http, is refused: a server must not send devenv, and the API token, to a host the user never chose.
 */
export function nextPageUrl(asked: string, answered: string, next: string): string {
  let to: URL;
  try {
    to = new URL(next, answered);
  } catch {
    throw new DevenvError("HTTP", `${redactUrl(answered)} names a next page that is not a URL: ${JSON.stringify(next.slice(0, 200))}`, {
      hint: "The server or mirror sends a broken Link header; check DEVENV_MIRRORS.",
    });
  }
  const origins = new Set([new URL(asked).origin, new URL(answered).origin]);
  if (!origins.has(to.origin)) {
    throw new DevenvError("HTTP", `${redactUrl(answered)} names its next page on another host: ${redactUrl(to.href)}`, {
      hint: "devenv follows a list's pages only on the host it asked (or the mirror that answered); check DEVENV_MIRRORS, or report the server.",
    });
  }
  return to.href;
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

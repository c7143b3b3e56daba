/** One GET of src/platform/http.ts: a request per hop under the bounds, redirects followed by devenv itself. */
import type { Readable } from "node:stream";
import { DevenvError, redactUrl } from "../errors.js";
import { hostOf, timeoutError, type HttpLimits } from "./http-limits.js";

const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308]);
export const MAX_REDIRECTS = 8;

// One agent per set of bounds (in practice one per process). Redirects are followed here, not by an
// undici interceptor, so that every hop has the same bounds and an error names the host it happened at.
// Through a proxy (HTTPS_PROXY…) the connection to the proxy, the TLS handshake through its tunnel and
// the proxy's answer to CONNECT get the same bounds (undici's defaults: 10 s, 10 s and 300 s).
const dispatchers = new Map<string, Promise<import("undici").Dispatcher>>();
/** The shared agent for these bounds (src/cache sends its registry requests through it too). */
export function dispatcher(lim: HttpLimits): Promise<import("undici").Dispatcher> {
  const key = `${lim.connectMs}/${lim.firstByteMs}`;
  let d = dispatchers.get(key);
  if (!d) {
    d = import("undici").then(({ EnvHttpProxyAgent, Pool }) => new EnvHttpProxyAgent({
      connections: 16,
      connectTimeout: lim.connectMs,
      proxyTls: { timeout: lim.connectMs },
      requestTls: { timeout: lim.connectMs },
      clientFactory: (origin: URL, o: object) => new Pool(origin, { ...o, headersTimeout: lim.firstByteMs }),
    } as import("undici").EnvHttpProxyAgent.Options));
    dispatchers.set(key, d);
  }
  return d;
}

export interface Hop {
  res: Awaited<ReturnType<typeof import("undici").request>>;
  /** The URL that answered (after redirects). */
  url: string;
}

/** A failure of one hop of a request: the URL it happened at (after redirects) and what happened. */
export class HopError extends Error {
  constructor(readonly url: string, readonly error: unknown) {
    super((error as Error)?.message ?? String(error));
  }
}

/**
 * One GET under the bounds, following redirects (at most MAX_REDIRECTS, never in a loop). A timeout
 * or a redirect problem is a DevenvError (never retried); any other failure a HopError naming the URL.
 */
export async function follow(start: string, headers: Record<string, string>, deadline: number, lim: HttpLimits): Promise<Hop> {
  const { request } = await import("undici");
  const d = await dispatcher(lim);
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

/** Drop a body we will not read (closing its connection: a stalled error page cannot hold us). */
export function discard(body: Readable): void {
  body.on("error", () => {});
  body.destroy();
}

type Request = typeof import("undici").request;

/**
 * One request to one URL under the bounds; a timeout is a DevenvError naming the host and setting.
 * At the deadline it gives up whether or not undici noticed the abort (a request waiting for a
 * proxy's tunnel does not): a response that comes after that is dropped.
 */
async function once(request: Request, dispatcher: import("undici").Dispatcher, url: string, headers: Record<string, string>, deadline: number, lim: HttpLimits) {
  const ac = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      ac.abort();
      reject(timeoutError("response", url, lim));
    }, Math.max(0, deadline - performance.now()));
  });
  const pending = request(url, {
    method: "GET", headers, dispatcher, signal: ac.signal,
    headersTimeout: lim.firstByteMs,
    // A backstop: the bounded body's own idle check (which knows about back-pressure) comes first.
    bodyTimeout: lim.idleMs + 1000,
  });
  try {
    return await Promise.race([pending, late]);
  } catch (e) {
    if (e instanceof DevenvError) {
      pending.then((res) => discard(res.body), () => {});
      throw e;
    }
    const code = (e as { code?: string }).code;
    if (code === "UND_ERR_CONNECT_TIMEOUT") throw timeoutError("connect", url, lim, e);
    if (code === "UND_ERR_HEADERS_TIMEOUT") throw timeoutError("firstByte", url, lim, e);
    if (ac.signal.aborted) throw timeoutError("response", url, lim, e);
    throw new HopError(url, e);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The absolute URL a Location header points to; only http(s), and never from https down to http
 * (a checksum file or index fetched in clear text after a redirect could be replaced on the way).
 */
export function redirectTarget(start: string, from: string, location: string): string {
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
  if (next.protocol === "http:" && from.startsWith("https:")) {
    throw new DevenvError("HTTP", `${hostOf(from)} redirected ${redactUrl(start)} from https to plain http (${redactUrl(next.toString())}); refusing to continue unencrypted`, {
      hint: "Nothing was downloaded. Report it to the server's owner, or point DEVENV_MIRRORS at a mirror you trust.",
    });
  }
  next.hash = "";
  return next.toString();
}

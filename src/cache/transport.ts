/**
 * Requests to an OCI registry under bounds (issue 18): any method, an upload body read from a file
 * (so a request can be sent again after an auth challenge), redirects followed for GET and HEAD only
 * (blob GETs go to object storage) with the Authorization header kept for its own origin and never
 * https → http. A cache fails fast: it is an optimisation, upstream is always there to fall back to.
 * A failure is a TransportError (transport-errors.ts).
 */
import { createReadStream } from "node:fs";
import type { Readable } from "node:stream";
import { redactUrl } from "../errors.js";
import type { HttpLimits } from "../platform/http-limits.js";
import { discard, dispatcher, MAX_REDIRECTS, redirectTarget } from "../platform/http-request.js";
import { networkError, timeoutMessage, TransportError, uploadStalled } from "./transport-errors.js";

export { cacheLimits, TransportError } from "./transport-errors.js";

export type Method = "HEAD" | "GET" | "POST" | "PUT" | "PATCH";

export type RequestBody =
  | { kind: "bytes"; data: Buffer }
  /** `length` bytes of `path` from `start`. */
  | { kind: "file"; path: string; start: number; length: number };

export interface RegistryRequest {
  method: Method;
  url: string;
  headers: Record<string, string>;
  body?: RequestBody;
}

export type ResponseHeaders = Record<string, string | string[] | undefined>;

export interface RegistryResponse {
  status: number;
  headers: ResponseHeaders;
  body: Readable;
  /** The URL that answered (after redirects). */
  url: string;
}


const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308]);
/** Failures of a reused keep-alive connection: the request is sent once more on a fresh one. */
const RESEND_CODES = new Set(["ECONNRESET", "EPIPE", "UND_ERR_SOCKET"]);

export const header = (h: ResponseHeaders, name: string): string | undefined => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

/** One request, following redirects for GET and HEAD (Authorization dropped once the origin changes). */
export async function send(req: RegistryRequest, lim: HttpLimits): Promise<RegistryResponse> {
  const follow = req.method === "GET" || req.method === "HEAD";
  let url = req.url;
  let headers = req.headers;
  for (let hops = 0; ; hops++) {
    const res = await sendOnce(req.method, url, headers, req.body, lim);
    const location = header(res.headers, "location");
    if (!follow || !REDIRECT_STATUS.has(res.statusCode) || location === undefined) {
      return { status: res.statusCode, headers: res.headers, body: res.body, url };
    }
    discard(res.body);
    if (hops >= MAX_REDIRECTS) {
      throw new TransportError("redirect", url, `too many redirects: ${redactUrl(req.url)} was redirected more than ${MAX_REDIRECTS} times`);
    }
    let next: string;
    try {
      next = redirectTarget(req.url, url, location);
    } catch (e) {
      throw new TransportError("redirect", url, (e as Error).message);
    }
    headers = withoutAuthorizationElsewhere(headers, url, next);
    url = next;
  }
}

/** The headers for `to`: Authorization is for the origin it was meant for (S3 refuses a presigned URL that carries one). */
export function withoutAuthorizationElsewhere(headers: Record<string, string>, from: string, to: string): Record<string, string> {
  if (new URL(to).origin === new URL(from).origin) return headers;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() !== "authorization") out[k] = v;
  return out;
}

type Raw = Awaited<ReturnType<typeof import("undici").request>>;

async function sendOnce(method: Method, url: string, headers: Record<string, string>, body: RequestBody | undefined, lim: HttpLimits): Promise<Raw> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await attemptOnce(method, url, headers, body, lim);
    } catch (e) {
      if (e instanceof TransportError && e.kind === "network" && RESEND_CODES.has(e.code ?? "") && attempt === 0) continue;
      throw e;
    }
  }
}

/**
 * One request to one URL. Without a file body, the response headers come within connect + first-byte
 * time or it fails. With one, the upload fails when the connection stops taking bytes for `idleMs`, then
 * the first-byte bound counts from the last byte sent (undici's headersTimeout).
 */
async function attemptOnce(method: Method, url: string, headers: Record<string, string>, body: RequestBody | undefined, lim: HttpLimits): Promise<Raw> {
  const { request } = await import("undici");
  const d = await dispatcher(lim);
  const ac = new AbortController();
  let failure: TransportError | undefined;
  const stop = (e: TransportError) => {
    failure ??= e;
    ac.abort();
  };
  const timers: NodeJS.Timeout[] = [];
  let payload: Readable | Buffer | undefined;
  const h = { ...headers };
  if (body?.kind === "bytes") {
    payload = body.data;
    h["content-length"] = String(body.data.length);
  } else if (body?.kind === "file") {
    h["content-length"] = String(body.length);
    if (body.length === 0) payload = Buffer.alloc(0);
    else {
      const stream = createReadStream(body.path, { start: body.start, end: body.start + body.length - 1 });
      payload = stream;
      // Progress is read from bytesRead: a "data" listener would switch the stream to flowing mode
      // and its first chunks could go by before undici reads (a short body: DIGEST_INVALID).
      let last = performance.now();
      let seen = 0;
      const t = setInterval(() => {
        if (stream.bytesRead !== seen) {
          seen = stream.bytesRead;
          last = performance.now();
        } else if (!stream.readableEnded && performance.now() - last > lim.idleMs) stop(uploadStalled(url, lim));
      }, Math.max(20, Math.min(1000, Math.floor(lim.idleMs / 10))));
      t.unref();
      timers.push(t);
    }
  }
  if (body?.kind !== "file") {
    const t = setTimeout(() => stop(timeoutMessage("response", url, lim)), lim.connectMs + lim.firstByteMs);
    timers.push(t);
  }
  const pending = request(url, {
    method, headers: h, dispatcher: d, signal: ac.signal, body: payload,
    headersTimeout: lim.firstByteMs,
    bodyTimeout: lim.idleMs + 1000,
  });
  // At the deadline give up whether or not undici noticed the abort.
  const aborted = new Promise<never>((_, reject) => ac.signal.addEventListener("abort", () => reject(failure), { once: true }));
  try {
    return await Promise.race([pending, aborted]);
  } catch (e) {
    pending.then((res) => discard(res.body), () => {});
    if (payload && !Buffer.isBuffer(payload)) (payload as Readable).destroy();
    if (failure) throw failure;
    const code = (e as { code?: string }).code;
    if (code === "UND_ERR_CONNECT_TIMEOUT") throw timeoutMessage("connect", url, lim);
    if (code === "UND_ERR_HEADERS_TIMEOUT") throw timeoutMessage("firstByte", url, lim);
    throw networkError(url, e);
  } finally {
    for (const t of timers) clearTimeout(t);
    if (payload && !Buffer.isBuffer(payload)) (payload as Readable).on("error", () => {});
  }
}


/** Read a small response body (a token, an error, a manifest) to its end, at most `max` bytes; undefined past that. */
export async function readSmall(body: Readable, max: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const c of body) {
    total += (c as Buffer).length;
    if (total > max) {
      discard(body);
      return undefined;
    }
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

import type { Readable } from "node:stream";
import { DevenvError, redactUrl } from "../errors.js";
import { applyMirrors, type MirrorMap } from "./mirrors.js";

export interface HttpOptions {
  mirrors: MirrorMap;
  offline: boolean;
  githubToken?: string;
  retries?: number;
  /** Base delay of the exponential backoff, in ms. */
  backoffMs?: number;
  userAgent?: string;
}

export interface HttpResponse {
  /** The URL actually requested (after mirrors). */
  url: string;
  status: number;
  size: number | undefined;
  body: Readable;
}

export interface Http {
  get(url: string, opts?: { accept?: string }): Promise<HttpResponse>;
  text(url: string, opts?: { accept?: string }): Promise<string>;
  json<T = unknown>(url: string): Promise<T>;
  /** The URL this client would fetch for `url` (mirrors applied). */
  resolve(url: string): string;
  readonly offline: boolean;
}

const RETRYABLE_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);
const RETRYABLE_CODES = new Set([
  "ECONNRESET", "ECONNREFUSED", "ETIMEDOUT", "EPIPE", "EAI_AGAIN",
  "UND_ERR_SOCKET", "UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT",
]);

let dispatcherPromise: Promise<import("undici").Dispatcher> | undefined;
async function dispatcher() {
  dispatcherPromise ??= import("undici").then(({ EnvHttpProxyAgent, interceptors }) =>
    new EnvHttpProxyAgent({ connections: 16, headersTimeout: 60_000, bodyTimeout: 120_000 }).compose(
      interceptors.redirect({ maxRedirections: 8 }),
    ),
  );
  return dispatcherPromise;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function createHttp(opts: HttpOptions): Http {
  const retries = opts.retries ?? 3;
  const backoff = opts.backoffMs ?? 300;

  async function get(url: string, o: { accept?: string } = {}): Promise<HttpResponse> {
    const target = applyMirrors(url, opts.mirrors);
    if (opts.offline) {
      throw new DevenvError("OFFLINE", `offline: not fetching ${redactUrl(url)}`, {
        hint: "Unset DEVENV_OFFLINE / drop --offline, or install from an existing devenv.lock while online first.",
      });
    }
    const { request } = await import("undici");
    const headers: Record<string, string> = { "user-agent": opts.userAgent ?? "devenv" };
    if (o.accept) headers.accept = o.accept;
    // The token is meant for GitHub's API: send it to requests addressed there (mirrored or not).
    if (opts.githubToken && url.startsWith("https://api.github.com/")) headers.authorization = `Bearer ${opts.githubToken}`;
    let lastError: unknown;
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) await sleep(backoff * 2 ** (attempt - 1) * (0.75 + Math.random() / 2));
      try {
        const res = await request(target, { method: "GET", headers, dispatcher: await dispatcher() });
        if (res.statusCode >= 200 && res.statusCode < 300) {
          const len = res.headers["content-length"];
          const size = typeof len === "string" ? Number.parseInt(len, 10) : undefined;
          return { url: target, status: res.statusCode, size: Number.isFinite(size) ? size : undefined, body: res.body };
        }
        res.body.resume();
        const err = new DevenvError("HTTP", `HTTP ${res.statusCode} for ${redactUrl(target)}`, {
          hint: res.statusCode === 404
            ? "The file is not there: check the version and platform, or the DEVENV_MIRRORS setting."
            : res.statusCode === 403 || res.statusCode === 429
              ? "Rate limited or forbidden: set GITHUB_TOKEN for GitHub, or retry later."
              : "Retry later, or point DEVENV_MIRRORS at a mirror.",
        });
        if (!RETRYABLE_STATUS.has(res.statusCode)) throw err;
        lastError = err;
      } catch (e) {
        if (e instanceof DevenvError) {
          if (e.code === "HTTP" && !/HTTP (408|425|429|5\d\d) /.test(e.message)) throw e;
          lastError = e;
          continue;
        }
        const code = (e as { code?: string }).code ?? "";
        lastError = e;
        if (!RETRYABLE_CODES.has(code)) break;
      }
    }
    if (lastError instanceof DevenvError) throw lastError;
    throw new DevenvError("HTTP", `could not fetch ${redactUrl(target)}: ${(lastError as Error)?.message ?? lastError}`, {
      cause: lastError,
      hint: "Check the network, HTTPS_PROXY/NO_PROXY, or point DEVENV_MIRRORS at a reachable mirror.",
    });
  }

  async function text(url: string, o: { accept?: string } = {}): Promise<string> {
    const res = await get(url, o);
    const chunks: Buffer[] = [];
    for await (const c of res.body) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  }

  async function json<T>(url: string): Promise<T> {
    const body = await text(url, { accept: "application/json" });
    try {
      return JSON.parse(body) as T;
    } catch (e) {
      throw new DevenvError("HTTP", `${redactUrl(url)} did not return JSON: ${(e as Error).message}`, {
        hint: "A proxy or mirror may be returning an error page; check DEVENV_MIRRORS.",
      });
    }
  }

  return { get, text, json, resolve: (u) => applyMirrors(u, opts.mirrors), offline: opts.offline };
}

/**
 * One registry repository's requests: the Authorization earned by challenges (auth.ts) added for the
 * registry's own origin, a 401 answered once (twice when a kept token turned out stale), transport
 * failures and unexpected answers turned into CacheErrors that say what, where (the oci:// URL) and
 * what to do, with every secret scrubbed from the text.
 */
import type { HttpLimits } from "../platform/http-limits.js";
import { discard } from "../platform/http-request.js";
import { safeText } from "../text.js";
import { challengeOf, RegistryAuth, type Access } from "./auth.js";
import { CacheError } from "./errors.js";
import { cacheLimits, readSmall, send, TransportError, type RegistryRequest, type RegistryResponse } from "./transport.js";
import type { CacheFailure, CredentialSource } from "./types.js";
import type { CacheLocation } from "./url.js";

export interface ClientOptions {
  credentials: CredentialSource;
  env?: NodeJS.ProcessEnv;
  limits?: Partial<HttpLimits>;
  userAgent?: string;
}

const STATUS_WORDS: Record<number, string> = {
  401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed", 500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout",
};

export class RegistryClient {
  readonly where: string;
  readonly origin: string;
  private readonly auth: RegistryAuth;
  private lim: HttpLimits | undefined;

  constructor(readonly loc: Extract<CacheLocation, { kind: "registry" }>, private readonly opts: ClientOptions) {
    this.where = `${loc.scheme === "https" ? "oci" : "oci+http"}://${loc.host}/${loc.repository}`;
    this.origin = `${loc.scheme}://${loc.host}`;
    this.auth = new RegistryAuth({
      scheme: loc.scheme, host: loc.host, repository: loc.repository, credentials: opts.credentials, env: opts.env ?? process.env,
      send: (req) => this.transport(req),
      fail: (failure, message, hint) => this.error(failure, `cache ${this.where}: ${message}`, hint),
    });
  }

  /** The API URL of a path under the repository (`/blobs/…`, `/manifests/…`). */
  url(path: string): string {
    return `${this.origin}/v2/${this.loc.repository}${path}`;
  }

  get limits(): HttpLimits {
    return (this.lim ??= cacheLimits(this.opts.env ?? process.env, this.opts.limits));
  }

  /** A request for `doing` ("check blob sha256:…"), answered 401s included; failures to get any answer throw. */
  async call(doing: string, access: Access, req: Omit<RegistryRequest, "headers"> & { headers?: Record<string, string> }): Promise<RegistryResponse> {
    const own = new URL(req.url).origin === this.origin;
    let auth = own ? this.auth.current(access) : undefined;
    let answers = auth ? 2 : 1;
    for (;;) {
      const headers: Record<string, string> = { "user-agent": this.opts.userAgent ?? "devenv", ...req.headers };
      if (auth) headers.authorization = auth;
      const res = await this.transport({ ...req, headers }, doing);
      if (res.status !== 401 || !own || answers-- === 0) return res;
      let next: string | undefined;
      try {
        next = await this.auth.answer(challengeOf(res), access, auth);
      } catch (e) {
        discard(res.body);
        throw e;
      }
      if (!next) return res;
      discard(res.body);
      auth = next;
    }
  }

  /** The CacheError for an answer that is not what `doing` expects (its body read for the registry's own words). */
  async unexpected(doing: string, res: RegistryResponse): Promise<CacheError> {
    const says = await registrySays(res);
    const status = `HTTP ${res.status}${STATUS_WORDS[res.status] ? ` ${STATUS_WORDS[res.status]}` : ""}`;
    const host = this.loc.host;
    if (res.status === 401) {
      const cred = await this.auth.lookup().catch(() => undefined);
      return this.error("unauthorized", `cache ${this.where} refused to ${doing} (${status})${says}`, cred
        ? `The credentials devenv found for ${host} were refused: log in again (docker login ${host}), or set DEVENV_CACHE_TOKEN.`
        : `devenv has no credentials for ${host}: run docker login ${host} (or podman login), or set DEVENV_CACHE_TOKEN.`);
    }
    if (res.status === 403) {
      return this.error("forbidden", `cache ${this.where} does not allow to ${doing} (${status})${says}`,
        `The credentials for ${host} do not give this access to ${this.loc.repository}: ask for it (push needs write access), or use another cache.`);
    }
    if (res.status === 502 || res.status === 503 || res.status === 504) {
      return this.error("unreachable", `cache ${this.where} is unavailable: ${status} to ${doing}${says}`,
        "The registry (or a proxy in front of it) is down or overloaded: retry later; devenv goes upstream meanwhile.");
    }
    return this.error("protocol", `cache ${this.where} answered ${status} to ${doing}${says}`,
      "The registry does not answer as the OCI distribution spec says: check the cache URL (oci://host/namespace/repo) and the registry's logs.");
  }

  error(failure: CacheFailure, message: string, hint: string): CacheError {
    return new CacheError(failure, this.auth.scrub(safeText(message)), { hint: this.auth.scrub(hint) });
  }

  private async transport(req: RegistryRequest, doing?: string): Promise<RegistryResponse> {
    try {
      return await send(req, this.limits);
    } catch (e) {
      if (!(e instanceof TransportError)) throw e;
      const what = doing ? ` (trying to ${doing})` : "";
      if (e.kind === "redirect") {
        throw this.error("protocol", `cache ${this.where}: ${e.message}${what}`, "The registry redirects somewhere devenv does not follow: check the registry's storage setup.");
      }
      throw this.error("unreachable", `cache ${this.where} is unreachable: ${e.message}${what}`,
        e.hint ?? "Check that the registry is running and the cache URL (DEVENV_CACHE or the user config) is right; devenv goes upstream meanwhile.");
    }
  }
}

/** What a registry's error body (`{"errors":[{"code","message"}]}`) says, bounded and one line; "" when nothing. */
export async function registrySays(res: RegistryResponse): Promise<string> {
  if (res.status < 400) {
    discard(res.body);
    return "";
  }
  const buf = await readSmall(res.body, 64 << 10).catch(() => undefined);
  return errorWords(buf?.toString("utf8") ?? "");
}

export function errorWords(text: string): string {
  let errors: unknown;
  try {
    errors = (JSON.parse(text) as { errors?: unknown }).errors;
  } catch {
    return "";
  }
  if (!Array.isArray(errors)) return "";
  const words = errors.slice(0, 3).map((e: { code?: unknown; message?: unknown }) =>
    [e?.code, e?.message].filter((x): x is string => typeof x === "string" && x !== "").join(": ")).filter(Boolean).join("; ");
  const flat = words.replace(/[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]+/g, " ").trim();
  if (!flat) return "";
  return `: the registry says ${JSON.stringify(flat.length > 200 ? `${flat.slice(0, 200)}…` : flat)}`;
}

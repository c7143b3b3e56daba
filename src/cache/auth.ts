/**
 * A registry's auth, as the container ecosystem does it (the distribution token spec; docker's
 * credential kinds). A request first goes without credentials (or with what the last challenge
 * earned); a 401's `WWW-Authenticate` says what to do:
 * - `Bearer realm=…,service=…`: get a token at the realm for `repository:<name>:pull` (`pull,push` to
 *   upload): anonymously, with Basic credentials, by exchanging an identity token (OAuth2
 *   refresh_token POST, as docker does), or with DEVENV_CACHE_TOKEN as the password (and when the
 *   realm refuses that, the token itself is sent). Tokens are kept per scope until they expire.
 * - `Basic`: the basic credential (or DEVENV_CACHE_TOKEN as a bearer token).
 * Every secret seen is remembered so that `scrub` can take it out of any text that might be shown.
 */
import { CacheError } from "./errors.js";
import { TokenCache } from "./token-cache.js";
import { header, readSmall, type RegistryRequest, type RegistryResponse } from "./transport.js";
import type { CredentialSource, RegistryCredential } from "./types.js";
import { parseChallenges } from "./www-authenticate.js";
import { discard } from "../platform/http-request.js";
import { hostOf } from "../platform/http-limits.js";

export type Access = "pull" | "push";

export const scopeOf = (repository: string, access: Access) => `repository:${repository}:${access === "push" ? "pull,push" : "pull"}`;

export interface AuthContext {
  scheme: "http" | "https";
  host: string;
  repository: string;
  credentials: CredentialSource;
  env: NodeJS.ProcessEnv;
  send(req: RegistryRequest): Promise<RegistryResponse>;
  /** A CacheError for this registry (the message scrubbed). */
  fail(failure: "unauthorized" | "protocol", message: string, hint: string): CacheError;
}

const basicOf = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

export class RegistryAuth {
  private readonly secrets = new Set<string>();
  private readonly tokens = new TokenCache();
  /** A header that holds for every scope (Basic, or a bearer credential sent as is). */
  private fixed: string | undefined;
  private credential: Promise<RegistryCredential | undefined> | undefined;

  constructor(private readonly ctx: AuthContext) {}

  /** The Authorization to send for `access` now, from an earlier challenge; undefined before any. */
  current(access: Access): string | undefined {
    return this.fixed ?? this.tokens.get(scopeOf(this.ctx.repository, access))
      ?? (access === "pull" ? this.tokens.get(scopeOf(this.ctx.repository, "push")) : undefined);
  }

  /** The credential for this host, asked once. */
  lookup(): Promise<RegistryCredential | undefined> {
    this.credential ??= this.ctx.credentials.lookup(this.ctx.host).then((c) => {
      if (c) for (const s of c.kind === "basic" ? [c.password, basicOf(c.username, c.password).slice(6)] : [c.token]) this.remember(s);
      return c;
    }, (e: unknown) => {
      // A broken credential helper: the cache cannot be used (pull goes upstream), devenv goes on.
      throw this.ctx.fail("unauthorized", `the credentials for ${this.ctx.host} could not be read: ${(e as Error)?.message ?? String(e)}`,
        (e as { hint?: string })?.hint ?? `Check ~/.docker/config.json (or $REGISTRY_AUTH_FILE) and the credential helper it names for ${this.ctx.host}.`);
    });
    return this.credential;
  }

  /**
   * The Authorization to retry a 401 with, or undefined when there is nothing (else) to try: no
   * credential for the challenge, or the one sent (`refused`) is all there is.
   */
  async answer(challenge: string | undefined, access: Access, refused: string | undefined): Promise<string | undefined> {
    const scope = scopeOf(this.ctx.repository, access);
    if (refused) this.tokens.drop(scope, refused);
    if (refused !== undefined && refused === this.fixed) this.fixed = undefined;
    const challenges = parseChallenges(challenge ?? "");
    const bearer = challenges.find((c) => c.scheme === "bearer" && c.params.realm);
    const basic = challenges.find((c) => c.scheme === "basic");
    const cred = await this.lookup();
    let next: string | undefined;
    if (bearer) next = await this.token(bearer.params.realm!, bearer.params.service, scope, cred);
    else if (basic && cred?.kind === "basic") next = this.fixed = basicOf(cred.username, cred.password);
    else if (basic && cred?.kind === "bearer") next = this.fixed = `Bearer ${cred.token}`;
    return next === refused ? undefined : next;
  }

  /** `text` with every credential and token devenv holds for this registry replaced by `***`. */
  scrub(text: string): string {
    let out = text;
    for (const s of this.secrets) out = out.split(s).join("***");
    return out;
  }

  private remember(secret: string): void {
    if (secret.length >= 4) this.secrets.add(secret);
  }

  private async token(realm: string, service: string | undefined, scope: string, cred: RegistryCredential | undefined): Promise<string | undefined> {
    const url = this.realmUrl(realm);
    const q = new URL(url);
    if (service) q.searchParams.set("service", service);
    q.searchParams.set("scope", scope);
    const headers = { "user-agent": "devenv", accept: "application/json" };
    let res: RegistryResponse;
    if (cred?.kind === "identity") {
      const form = new URLSearchParams({ grant_type: "refresh_token", ...(service ? { service } : {}), scope, client_id: "devenv", refresh_token: cred.token });
      res = await this.ctx.send({ method: "POST", url, headers: { ...headers, "content-type": "application/x-www-form-urlencoded" }, body: { kind: "bytes", data: Buffer.from(form.toString()) } });
    } else if (cred?.kind === "basic") {
      res = await this.ctx.send({ method: "GET", url: q.toString(), headers: { ...headers, authorization: basicOf(cred.username, cred.password) } });
    } else if (cred?.kind === "bearer") {
      const user = this.ctx.env.DEVENV_CACHE_USER || "devenv";
      res = await this.ctx.send({ method: "GET", url: q.toString(), headers: { ...headers, authorization: basicOf(user, cred.token) } });
      // The realm does not take the token as a password: it may be a registry token itself.
      if (res.status === 401 || res.status === 403) {
        discard(res.body);
        return (this.fixed = `Bearer ${cred.token}`);
      }
    } else {
      res = await this.ctx.send({ method: "GET", url: q.toString(), headers });
    }
    const at = `the token service ${hostOf(url)}`;
    if (res.status === 401 || res.status === 403) {
      discard(res.body);
      const what = cred ? (cred.kind === "identity" ? "the identity token" : "the credentials") : "an anonymous request";
      throw this.ctx.fail("unauthorized", `${at} refused ${what} for ${scope} (HTTP ${res.status})`,
        cred ? `Log in again (docker login ${this.ctx.host}), or set DEVENV_CACHE_TOKEN to a token with access to ${this.ctx.repository}.`
          : `The registry needs credentials: docker login ${this.ctx.host} (or podman login), or set DEVENV_CACHE_TOKEN.`);
    }
    const body = res.status === 200 ? await readSmall(res.body, 1 << 20).catch(() => undefined) : (discard(res.body), undefined);
    let parsed: { token?: unknown; access_token?: unknown; expires_in?: unknown } | undefined;
    try {
      parsed = body ? JSON.parse(body.toString("utf8")) : undefined;
    } catch {
      parsed = undefined;
    }
    const token = typeof parsed?.token === "string" && parsed.token ? parsed.token : typeof parsed?.access_token === "string" ? parsed.access_token : "";
    if (!token) {
      throw this.ctx.fail("protocol", `${at} answered HTTP ${res.status} without a token for ${scope}`,
        "The realm of the registry's Bearer challenge does not answer as the token spec says: check the registry's auth setup.");
    }
    this.remember(token);
    const value = `Bearer ${token}`;
    this.tokens.set(scope, value, parsed?.expires_in);
    return value;
  }

  /** The realm, absolute http(s); never plain http when the registry itself is https. */
  private realmUrl(realm: string): string {
    let u: URL | undefined;
    try {
      u = new URL(realm);
    } catch {
      u = undefined;
    }
    if (!u || (u.protocol !== "https:" && u.protocol !== "http:") || (u.protocol === "http:" && this.ctx.scheme === "https")) {
      throw this.ctx.fail("protocol", `the registry's Bearer challenge names an unusable token realm ${JSON.stringify(realm.slice(0, 200))}`,
        "devenv gets tokens only from an http(s) realm, and only over https when the registry is https.");
    }
    return u.toString();
  }
}

/** The WWW-Authenticate of a 401 (several headers joined). */
export const challengeOf = (res: RegistryResponse): string | undefined => {
  const v = res.headers["www-authenticate"];
  return Array.isArray(v) ? v.join(", ") : header(res.headers, "www-authenticate");
};

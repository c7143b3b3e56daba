/**
 * Loopback servers in front of the real registry (test/support/registry.ts), for what the
 * distribution registry cannot do itself:
 * - a token front: demands `Bearer` tokens the way GHCR, Docker Hub or Harbor do (a 401 with
 *   `WWW-Authenticate: Bearer realm=<its /token>,service,scope`), issues them at /token for anonymous
 *   pull, Basic credentials, or an identity token (the OAuth2 refresh_token POST), then proxies;
 * - a redirect front: answers blob GETs with a 307 to a separate "object store" that serves the bytes
 *   and, like an S3 presigned URL, refuses (400) any request that carries an Authorization header.
 * Both keep the client's Host header when proxying, so the registry's upload Locations name the front.
 */
import { randomBytes } from "node:crypto";
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from "node:http";

export interface FrontRequest {
  method: string;
  path: string;
  status: number;
  /** The Authorization header it came with (tests check secrets by it; never printed by the fronts). */
  authorization: string | undefined;
}

export interface Front {
  origin: string;
  host: string;
  /** oci+http://<host>/<repository> */
  url(repository: string): string;
  requests: FrontRequest[];
  close(): Promise<void>;
}

async function listen(handler: (req: IncomingMessage, res: ServerResponse, log: (status: number) => void) => void): Promise<Front & { server: Server }> {
  const requests: FrontRequest[] = [];
  const server = createServer((req, res) => {
    const entry: FrontRequest = { method: req.method ?? "", path: req.url ?? "", status: 0, authorization: req.headers.authorization };
    requests.push(entry);
    handler(req, res, (status) => { entry.status = status; });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const host = `127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    server, origin: `http://${host}`, host, requests, url: (repo) => `oci+http://${host}/${repo}`,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

/** Pass a request on to `upstream` (an http origin) as it is, Host kept; `drop` removes headers first. */
function proxy(req: IncomingMessage, res: ServerResponse, upstream: string, log: (s: number) => void, drop: string[] = []): void {
  const headers = { ...req.headers };
  for (const h of drop) delete headers[h];
  const up = request(`${upstream}${req.url}`, { method: req.method, headers }, (r) => {
    log(r.statusCode ?? 0);
    res.writeHead(r.statusCode ?? 502, r.headers);
    r.pipe(res);
  });
  up.on("error", () => { log(502); res.writeHead(502).end(); });
  req.pipe(up);
}

export interface TokenFrontOptions {
  /** The registry behind it (http origin). */
  upstream: string;
  /** Pull without credentials (a token for `pull` to anyone). */
  anonymousPull: boolean;
  /** Basic credentials the token service accepts (user → password); they get what they ask for. */
  users?: Record<string, string>;
  /** Identity tokens (refresh tokens) accepted by the POST form. */
  refreshTokens?: string[];
  /** Tokens the registry accepts as they are (never issued by /token). */
  directTokens?: string[];
  /** expires_in of issued tokens (seconds). */
  tokenSeconds?: number;
  /** Quote the refused Authorization in the 401's error body, as an indiscreet server might: the client must scrub it. */
  echo?: boolean;
}

export interface TokenFront extends Front {
  /** Tokens issued so far. */
  issued: string[];
}

const actionsOf = (scope: string | null) => new Set((scope ?? "").split(":")[2]?.split(",").filter(Boolean) ?? []);

export async function startTokenFront(o: TokenFrontOptions): Promise<TokenFront> {
  const granted = new Map<string, { repo: string; actions: Set<string> }>();
  const issued: string[] = [];
  const issue = (scope: string | null, actions: Set<string>) => {
    const token = `tok-${randomBytes(12).toString("hex")}`;
    granted.set(token, { repo: (scope ?? "").split(":")[1] ?? "", actions });
    issued.push(token);
    return token;
  };
  let origin = "";
  const front = await listen((req, res, log) => {
    const url = new URL(req.url ?? "/", "http://x");
    const deny = (status: number, h: Record<string, string> = {}) => {
      log(status);
      res.writeHead(status, { "content-type": "application/json", ...h }).end(JSON.stringify({ errors: [{
        code: status === 401 ? "UNAUTHORIZED" : "DENIED",
        message: `authentication required${o.echo && req.headers.authorization ? ` (refused: ${req.headers.authorization})` : ""}`,
      }] }));
    };
    if (url.pathname === "/token") {
      const answer = (token: string, key: "token" | "access_token") => {
        log(200);
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ [key]: token, expires_in: o.tokenSeconds ?? 300 }));
      };
      if (req.method === "POST") {
        let body = "";
        req.on("data", (d: Buffer) => { body += d.toString(); });
        req.on("end", () => {
          const form = new URLSearchParams(body);
          const ok = form.get("grant_type") === "refresh_token" && (o.refreshTokens ?? []).includes(form.get("refresh_token") ?? "") && form.get("client_id") === "devenv";
          if (!ok) return deny(401);
          answer(issue(form.get("scope"), actionsOf(form.get("scope"))), "access_token");
        });
        return;
      }
      const wanted = actionsOf(url.searchParams.get("scope"));
      const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? "")?.[1];
      if (basic) {
        const text = Buffer.from(basic, "base64").toString();
        const user = text.slice(0, text.indexOf(":"));
        if (!o.users || o.users[user] === undefined || o.users[user] !== text.slice(text.indexOf(":") + 1)) return deny(401);
        return answer(issue(url.searchParams.get("scope"), wanted), "token");
      }
      if (!o.anonymousPull) return deny(401);
      return answer(issue(url.searchParams.get("scope"), new Set([...wanted].filter((a) => a === "pull"))), "token");
    }
    const m = /^\/v2\/(.+?)\/(?:blobs|manifests|tags)\//.exec(url.pathname);
    const repo = m?.[1] ?? "";
    const need = req.method === "GET" || req.method === "HEAD" ? "pull" : "push";
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1] ?? "";
    const g = granted.get(token);
    const ok = (o.directTokens ?? []).includes(token) || (g !== undefined && (url.pathname === "/v2/" || (g.repo === repo && g.actions.has(need))));
    if (!ok) {
      req.resume();
      const scope = `repository:${repo}:${need === "pull" ? "pull" : "pull,push"}`;
      return deny(401, { "www-authenticate": `Bearer realm="${origin}/token",service="devenv-test",scope="${scope}"` });
    }
    proxy(req, res, o.upstream, log, ["authorization"]);
  });
  origin = front.origin;
  return Object.assign(front, { issued });
}

export interface RedirectFront extends Front {
  /** The object store's requests: a presigned-URL GET must come with no Authorization. */
  store: FrontRequest[];
}

/**
 * Blob GETs: the front fetches the blob upstream with the client's own headers (so the upstream's 401
 * challenge reaches the client), keeps the bytes in the object store and answers 307 to a presigned
 * URL there. Everything else is proxied.
 */
export async function startRedirectFront(o: { upstream: string }): Promise<RedirectFront> {
  const objects = new Map<string, Buffer>();
  const store = await listen((req, res, log) => {
    const key = new URL(req.url ?? "/", "http://x").pathname;
    if (req.headers.authorization !== undefined) {
      log(400);
      return void res.writeHead(400, { "content-type": "application/xml" }).end("<Error><Code>InvalidArgument</Code><Message>Only one auth mechanism allowed</Message></Error>");
    }
    const bytes = objects.get(key);
    log(bytes ? 200 : 404);
    res.writeHead(bytes ? 200 : 404, { "content-length": String(bytes?.length ?? 0) }).end(req.method === "HEAD" ? undefined : bytes);
  });
  const front = await listen((req, res, log) => {
    const blob = /^\/v2\/.+\/blobs\/sha256:([0-9a-f]{64})$/.exec(req.url ?? "");
    if (req.method !== "GET" || !blob) return proxy(req, res, o.upstream, log);
    const up = request(`${o.upstream}${req.url}`, { method: "GET", headers: req.headers }, (r) => {
      if (r.statusCode !== 200) {
        log(r.statusCode ?? 0);
        res.writeHead(r.statusCode ?? 502, r.headers);
        return void r.pipe(res);
      }
      const chunks: Buffer[] = [];
      r.on("data", (d: Buffer) => chunks.push(d));
      r.on("end", () => {
        const key = `/bucket/${blob[1]}`;
        objects.set(key, Buffer.concat(chunks));
        log(307);
        res.writeHead(307, { location: `${store.origin}${key}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=${randomBytes(8).toString("hex")}` }).end();
      });
    });
    up.on("error", () => { log(502); res.writeHead(502).end(); });
    up.end();
  });
  return {
    ...front, store: store.requests,
    close: async () => { await front.close(); await store.close(); },
  };
}

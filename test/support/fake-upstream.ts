/**
 * A local HTTP server impersonating nodejs.org, ziglang.org, api.github.com and github.com
 * (each under `/<host>/…`), with fault injection for failure tests. Point devenv at it with
 * `DEVENV_MIRRORS=<fake.mirrors>`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { sha256hex } from "./archives.js";
import { aquaRegistryUpstream, type AquaRegistryUpstreamOptions } from "./upstreams/aqua-registry.js";
import { catalogUpstreams, type CatalogOptions } from "./upstreams/catalog-tools.js";
import { cmakeUpstream, type CmakeVersionSpec } from "./upstreams/cmake.js";
import { GithubRateLimit } from "./upstreams/github.js";
import { goUpstream, type GoVersionSpec } from "./upstreams/go.js";
import { llvmUpstream, type LlvmVersionSpec } from "./upstreams/llvm.js";
import { ninjaUpstream, type NinjaVersionSpec } from "./upstreams/ninja.js";
import { nodeUpstream, type NodeVersionSpec } from "./upstreams/node.js";
import { npmRegistryUpstream, type NpmPackageSpec } from "./upstreams/npm.js";
import { pbsUpstream, type PbsReleaseSpec } from "./upstreams/pbs.js";
import { riscvCollabUpstream, type RiscvCollabSpec } from "./upstreams/riscv-collab.js";
import { rustUpstream, type RustVersionSpec } from "./upstreams/rust.js";
import type { FakeRequest, FakeResponse, Upstream } from "./upstreams/types.js";
import { zigUpstream, type ZigVersionSpec } from "./upstreams/zig.js";
import { XPACK_GCC_PACKAGE, XPACK_RISCV_PACKAGE, xpackUpstream, type XpackVersionSpec } from "./upstreams/xpack.js";

export type { FakeRequest, FakeResponse, Upstream } from "./upstreams/types.js";

/** A string matches when the request pathname equals it or ends with it; a RegExp is tested on path+query. */
export type Matcher = string | RegExp;

export interface FakeUpstreamOptions {
  node?: NodeVersionSpec[];
  zig?: ZigVersionSpec[];
  /** Version of zig's "master" entry, or false to omit it. */
  zigMaster?: string | false;
  cmake?: CmakeVersionSpec[];
  /** Go names without "go": "1.23.4", "1.20", "1.24rc1" (stable: false by default for rc/beta). */
  go?: GoVersionSpec[];
  /** ninja-build/ninja releases; `release-X` entries are old-style tags without assets. */
  ninja?: NinjaVersionSpec[];
  /** astral-sh/python-build-standalone releases by tag, each with its CPython versions (PBS_RELEASES: a ready-made history). */
  pbs?: readonly PbsReleaseSpec[];
  /** xpack-dev-tools/gcc-xpack releases as "14.2.0-1" (tag v14.2.0-1); "14.2.0-1.1" is an npm-only revision without binaries. */
  xpackGcc?: XpackVersionSpec[];
  /** xpack-dev-tools/riscv-none-elf-gcc-xpack releases, same form as xpackGcc. */
  xpackRiscv?: XpackVersionSpec[];
  /** llvm/llvm-project releases: "19.1.7", "20.1.0-rc2" (tag llvmorg-…), or "tag:<other>" (skipped by the recipe). */
  llvm?: LlvmVersionSpec[];
  /** riscv-collab/riscv-gnu-toolchain nightlies by tag ("2024.12.16"); assets follow the tag's naming era. */
  riscvCollab?: RiscvCollabSpec[];
  /** static.rust-lang.org channel manifests + dist tarballs, and rust-lang/rust releases: "1.82.0" (non-X.Y.Z names: GitHub only). */
  rust?: RustVersionSpec[];
  /** Server-side cap on the GitHub releases per_page (real: 100). Small values force pagination. */
  githubPageSize?: number;
  /**
   * Override the real digest rule on GitHub assets (default: `digest: null` for uploads before
   * 2025-06-03, `sha256:…` after): true → every asset has one, false → none.
   */
  githubDigests?: boolean;
  /** The GitHub API's unauthenticated rate limit: after this many requests, 403 with x-ratelimit-remaining: 0 (or a ready limiter). */
  githubRateLimit?: number | GithubRateLimit;
  /** github.com downloads answer 302 → local /objects.githubusercontent.com/… (default false: 200 directly). */
  githubRedirect?: boolean;
  /** npm registry packages, served under `/npm/` (reach it with npm_config_registry=npmRegistryUrl(origin), not DEVENV_MIRRORS). */
  npm?: NpmPackageSpec[];
  /**
   * The catalogue's tools (jq, ripgrep, gh, kubectl, terraform, … with their real asset names; see
   * upstreams/catalog-tools.ts): true for all, or options (`only`, `realChecksums`, `realDigests`).
   * Also serves the aqua registry snapshot (as `aquaRegistry: true`).
   */
  catalog?: boolean | CatalogOptions;
  /** raw.githubusercontent.com serving the real aqua registry snapshot at its pinned ref (or options); default on, false for none. */
  aquaRegistry?: boolean | AquaRegistryUpstreamOptions;
  /** Extra upstream modules, consulted after the built-in ones. */
  upstreams?: Upstream[];
}

export interface RequestRecord { method: string; url: string; headers: IncomingMessage["headers"]; status: number }

export interface Hold {
  arrived: Promise<void>;
  release(): void;
}

export type TamperHow = "flip" | "append" | ((body: Buffer) => Buffer);

export interface FakeUpstream {
  port: number;
  /** `http://127.0.0.1:PORT` */
  origin: string;
  /** DEVENV_MIRRORS value covering every impersonated origin (plus hosts given to addFile). */
  readonly mirrors: string;
  readonly mirrorMap: Record<string, string>;
  /** Request targets (path + query) in arrival order. */
  requests: string[];
  /** Same, with method, headers and the status sent. */
  log: RequestRecord[];
  count(m: Matcher): number;
  /** `origin + path`. */
  url(path: string): string;
  /** Serve altered bytes (default "flip": one byte in the middle XORed) for matching paths. */
  tamper(m: Matcher, how?: TamperHow): void;
  /** The next `n` matching requests get `status` (default 503). */
  failNext(m: Matcher, n?: number, status?: number, extra?: { headers?: Record<string, string>; body?: string }): void;
  /** The next `n` matching requests send headers and `afterBytes` of the body (default half), then reset the connection. */
  dropNext(m: Matcher, n?: number, afterBytes?: number): void;
  /** Stream matching responses at about `bytesPerSecond`. */
  slow(m: Matcher, bytesPerSecond: number): void;
  /**
   * Matching GET requests get no answer until `release()` (reset() releases too); `arrived`
   * resolves when the first one is waiting: the client is then past everything before that request.
   */
  hold(m: Matcher): Hold;
  /** Serve `body` at `path` (e.g. `/downloads.example.com/tool.tar.gz`); returns the local URL. */
  addFile(path: string, body: Buffer | string, contentType?: string): string;
  register(upstream: Upstream): void;
  /** The untampered bytes served at `path` (undefined if 404). */
  get(path: string): Promise<Buffer | undefined>;
  sha256(path: string): Promise<string>;
  /** The GitHub API rate limiter, when `githubRateLimit` was given. */
  readonly githubRateLimit: GithubRateLimit | undefined;
  /** Drop fault rules and clear the request log (and the rate limiter's count). */
  reset(): void;
  close(): Promise<void>;
}

const DEFAULT_ORIGINS = ["https://nodejs.org", "https://ziglang.org", "https://api.github.com", "https://github.com"];

function matches(m: Matcher, url: string, path: string): boolean {
  if (typeof m === "string") return path === m || path.endsWith(m) || url === m;
  m.lastIndex = 0;
  return m.test(url);
}

function flip(buf: Buffer): Buffer {
  const out = Buffer.from(buf);
  if (out.length === 0) return Buffer.from("tampered");
  const i = Math.floor(out.length / 2);
  out[i] = (out[i] ?? 0) ^ 0xff;
  return out;
}

export async function startFakeUpstream(opts: FakeUpstreamOptions = {}): Promise<FakeUpstream> {
  const upstreams: Upstream[] = [
    nodeUpstream(opts.node),
    zigUpstream(opts.zig, { master: opts.zigMaster }),
    cmakeUpstream(opts.cmake, { pageSize: opts.githubPageSize, digests: opts.githubDigests, redirectDownloads: opts.githubRedirect }),
    goUpstream(opts.go),
    ninjaUpstream(opts.ninja, { pageSize: opts.githubPageSize, digests: opts.githubDigests, redirectDownloads: opts.githubRedirect }),
    pbsUpstream(opts.pbs, { pageSize: opts.githubPageSize, digests: opts.githubDigests, redirectDownloads: opts.githubRedirect }),
    llvmUpstream(opts.llvm, { pageSize: opts.githubPageSize, digests: opts.githubDigests, redirectDownloads: opts.githubRedirect }),
    riscvCollabUpstream(opts.riscvCollab, { pageSize: opts.githubPageSize, digests: opts.githubDigests, redirectDownloads: opts.githubRedirect }),
    xpackUpstream(XPACK_GCC_PACKAGE, opts.xpackGcc, { pageSize: opts.githubPageSize, digests: opts.githubDigests, redirectDownloads: opts.githubRedirect }),
    xpackUpstream(XPACK_RISCV_PACKAGE, opts.xpackRiscv, { pageSize: opts.githubPageSize, digests: opts.githubDigests, redirectDownloads: opts.githubRedirect }),
    rustUpstream(opts.rust, { pageSize: opts.githubPageSize, digests: opts.githubDigests, redirectDownloads: opts.githubRedirect }),
    npmRegistryUpstream(opts.npm),
    ...(opts.aquaRegistry !== false || opts.catalog ? [aquaRegistryUpstream(typeof opts.aquaRegistry === "object" ? opts.aquaRegistry : {})] : []),
    ...(opts.catalog
      ? catalogUpstreams({ pageSize: opts.githubPageSize, digests: opts.githubDigests, redirectDownloads: opts.githubRedirect, ...(opts.catalog === true ? {} : opts.catalog) })
      : []),
    ...(opts.upstreams ?? []),
  ];
  const rateLimit = typeof opts.githubRateLimit === "number" ? new GithubRateLimit(opts.githubRateLimit) : opts.githubRateLimit;
  const files = new Map<string, FakeResponse>();
  const extraOrigins = new Set<string>();
  const tampers: { m: Matcher; how: TamperHow }[] = [];
  const fails: { m: Matcher; left: number; status: number; headers: Record<string, string>; body: string }[] = [];
  const drops: { m: Matcher; left: number; afterBytes: number | undefined }[] = [];
  const slows: { m: Matcher; bps: number }[] = [];
  const holds: { m: Matcher; arrive: () => void; released: Promise<void>; release: () => void }[] = [];
  const requests: string[] = [];
  const log: RequestRecord[] = [];
  const sockets = new Set<Socket>();
  let origin = "";

  async function resolve(req: FakeRequest): Promise<FakeResponse | undefined> {
    const f = files.get(req.path);
    if (f) return f;
    for (const u of upstreams) {
      const r = await u.handle(req, { origin });
      if (r) return r;
    }
    return undefined;
  }

  const toRequest = (url: string, method = "GET", headers: IncomingMessage["headers"] = {}): FakeRequest => {
    const u = new URL(url, "http://fake");
    let path = u.pathname;
    try { path = decodeURIComponent(path); } catch { /* keep raw */ }
    return { method, url, path, query: u.searchParams, headers };
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? "/";
    const method = req.method ?? "GET";
    const freq = toRequest(url, method, req.headers);
    const record: RequestRecord = { method, url, headers: req.headers, status: 0 };
    requests.push(url);
    log.push(record);
    const send = (status: number, headers: Record<string, string | number>, body: Buffer) => {
      record.status = status;
      res.writeHead(status, { ...headers, "content-length": body.length });
      res.end(method === "HEAD" ? undefined : body);
    };

    const held = method === "GET" ? holds.find((h) => matches(h.m, url, freq.path)) : undefined;
    if (held) {
      held.arrive();
      await held.released;
    }
    const fail = fails.find((f) => f.left > 0 && matches(f.m, url, freq.path));
    if (fail) {
      fail.left--;
      return send(fail.status, { "content-type": "text/plain", ...fail.headers }, Buffer.from(fail.body));
    }
    if (method !== "GET" && method !== "HEAD") return send(405, { "content-type": "text/plain" }, Buffer.from("method not allowed\n"));
    const limited = rateLimit?.take(freq);
    if (limited) return send(limited.status ?? 403, { "content-type": limited.contentType ?? "application/json", ...limited.headers }, Buffer.from(limited.body ?? ""));

    const r = await resolve(freq);
    if (!r) {
      if (freq.path.startsWith("/api.github.com/")) {
        return send(404, { "content-type": "application/json; charset=utf-8" },
          Buffer.from(JSON.stringify({ message: "Not Found", documentation_url: "https://docs.github.com/rest", status: "404" })));
      }
      return send(404, { "content-type": "text/plain" }, Buffer.from(`404 Not Found: ${freq.path}\n`));
    }
    const status = r.status ?? 200;
    let body = typeof r.body === "string" ? Buffer.from(r.body) : r.body ?? Buffer.alloc(0);
    const headers: Record<string, string | number> = { "content-type": r.contentType ?? "application/octet-stream", ...r.headers };
    if (rateLimit && freq.path.startsWith("/api.github.com/") && req.headers.authorization === undefined) Object.assign(headers, rateLimit.headers());
    if (status !== 200) return send(status, headers, body);

    for (const t of tampers) {
      if (matches(t.m, url, freq.path)) body = t.how === "flip" ? flip(body) : t.how === "append" ? Buffer.concat([body, Buffer.from("\0tampered")]) : t.how(body);
    }
    headers["accept-ranges"] = "bytes";
    headers.etag = `"${sha256hex(body).slice(0, 16)}"`;
    let outStatus = 200;
    const range = /^bytes=(\d+)-(\d*)$/.exec(String(req.headers.range ?? ""));
    if (range) {
      const start = Number(range[1]);
      const end = range[2] ? Math.min(Number(range[2]), body.length - 1) : body.length - 1;
      if (start >= body.length || start > end) {
        return send(416, { "content-range": `bytes */${body.length}` }, Buffer.alloc(0));
      }
      headers["content-range"] = `bytes ${start}-${end}/${body.length}`;
      body = body.subarray(start, end + 1);
      outStatus = 206;
    }

    const drop = drops.find((d) => d.left > 0 && matches(d.m, url, freq.path));
    if (drop) {
      drop.left--;
      record.status = outStatus;
      res.writeHead(outStatus, { ...headers, "content-length": body.length });
      res.write(body.subarray(0, drop.afterBytes ?? Math.floor(body.length / 2)), () => res.socket?.destroy());
      return;
    }
    const slow = slows.find((s) => matches(s.m, url, freq.path));
    if (slow && method === "GET") {
      record.status = outStatus;
      res.writeHead(outStatus, { ...headers, "content-length": body.length });
      const tickMs = 50;
      const chunk = Math.max(1, Math.floor((slow.bps * tickMs) / 1000));
      let off = 0;
      const pump = () => {
        if (res.destroyed) return;
        const piece = body.subarray(off, off + chunk);
        off += piece.length;
        if (off >= body.length) return void res.end(piece);
        res.write(piece);
        setTimeout(pump, tickMs).unref();
      };
      return pump();
    }
    return send(outStatus, headers, body);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end(`fake upstream error: ${err instanceof Error ? err.stack : String(err)}\n`);
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((ok, ko) => {
    server.once("error", ko);
    server.listen(0, "127.0.0.1", () => ok());
  });
  const port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;

  const mirrorMap = (): Record<string, string> => {
    const out: Record<string, string> = {};
    const all = new Set([...DEFAULT_ORIGINS, ...upstreams.flatMap((u) => u.origins), ...extraOrigins]);
    for (const o of all) out[o] = `${origin}/${new URL(o).host}`;
    return out;
  };

  async function get(path: string): Promise<Buffer | undefined> {
    const r = await resolve(toRequest(path));
    if (!r || (r.status ?? 200) !== 200) return undefined;
    return typeof r.body === "string" ? Buffer.from(r.body) : r.body ?? Buffer.alloc(0);
  }

  return {
    port,
    origin,
    get mirrors() {
      return Object.entries(mirrorMap()).map(([k, v]) => `${k}=${v}`).join(",");
    },
    get mirrorMap() {
      return mirrorMap();
    },
    requests,
    log,
    count: (m) => log.filter((r) => matches(m, r.url, toRequest(r.url).path)).length,
    url: (path) => `${origin}${path.startsWith("/") ? "" : "/"}${path}`,
    tamper: (m, how = "flip") => void tampers.push({ m, how }),
    failNext: (m, n = 1, status = 503, extra = {}) =>
      void fails.push({ m, left: n, status, headers: extra.headers ?? {}, body: extra.body ?? `fake upstream: injected ${status}\n` }),
    dropNext: (m, n = 1, afterBytes) => void drops.push({ m, left: n, afterBytes }),
    slow: (m, bytesPerSecond) => void slows.push({ m, bps: bytesPerSecond }),
    hold(m) {
      let arrive!: () => void;
      let release!: () => void;
      const arrived = new Promise<void>((r) => (arrive = r));
      const released = new Promise<void>((r) => (release = r));
      const h = { m, arrive, released, release: () => {
        release();
        const i = holds.indexOf(h);
        if (i >= 0) holds.splice(i, 1);
      } };
      holds.push(h);
      return { arrived, release: h.release };
    },
    addFile(path, body, contentType = "application/octet-stream") {
      const p = path.startsWith("/") ? path : `/${path}`;
      files.set(p, { body, contentType });
      const host = p.split("/")[1] ?? "";
      if (host.includes(".") && !DEFAULT_ORIGINS.includes(`https://${host}`)) extraOrigins.add(`https://${host}`);
      return `${origin}${p}`;
    },
    register: (u) => void upstreams.push(u),
    get,
    async sha256(path) {
      const b = await get(path);
      if (!b) throw new Error(`fake upstream: nothing served at ${path}`);
      return sha256hex(b);
    },
    reset() {
      for (const h of [...holds]) h.release();
      tampers.length = fails.length = drops.length = slows.length = 0;
      requests.length = log.length = 0;
      rateLimit?.reset();
    },
    githubRateLimit: rateLimit,
    close: () =>
      new Promise<void>((ok) => {
        for (const s of sockets) s.destroy();
        server.close(() => ok());
      }),
  };
}

/** The contract between the fake HTTP server and one impersonated upstream, plus small shared helpers. */
import type { IncomingHttpHeaders } from "node:http";

export interface FakeRequest {
  method: string;
  /** Raw request target, e.g. `/api.github.com/repos/Kitware/CMake/releases?per_page=2&page=1`. */
  url: string;
  /** Decoded pathname, e.g. `/nodejs.org/dist/index.json`. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
}

export interface FakeResponse {
  status?: number;
  body?: Buffer | string;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface UpstreamContext {
  /** `http://127.0.0.1:PORT` of the fake server. */
  origin: string;
}

export interface Upstream {
  readonly name: string;
  /** Real origins impersonated, e.g. `https://nodejs.org`; each is served under `/<host>/…` on the fake. */
  readonly origins: readonly string[];
  /** Resolve a request, or return undefined if it is not this upstream's. Must not apply fault injection. */
  handle(req: FakeRequest, ctx: UpstreamContext): Promise<FakeResponse | undefined> | FakeResponse | undefined;
}

/** A version given as a bare string or with per-version overrides. */
export type VersionSpec<T> = string | ({ version: string } & Partial<T>);

export function normalizeSpecs<T>(specs: readonly VersionSpec<T>[] | undefined): ({ version: string } & Partial<T>)[] {
  return (specs ?? []).map((s) => (typeof s === "string" ? ({ version: s } as { version: string } & Partial<T>) : s));
}

/** Memoise async builders by key (archives are built on first request, then reused). */
export class Lazy {
  private readonly cache = new Map<string, Promise<unknown>>();
  get<T>(key: string, build: () => Promise<T> | T): Promise<T> {
    let p = this.cache.get(key) as Promise<T> | undefined;
    if (!p) {
      p = Promise.resolve().then(build);
      this.cache.set(key, p);
    }
    return p;
  }
}

/** Compare semver-ish versions (prereleases sort before their release). */
export function compareVersions(a: string, b: string): number {
  const split = (v: string) => {
    const [core = "", pre] = v.replace(/^v/, "").split("+")[0]!.split(/-(.*)/s);
    return { nums: core.split(".").map((n) => Number.parseInt(n, 10) || 0), pre };
  };
  const x = split(a);
  const y = split(b);
  for (let i = 0; i < Math.max(x.nums.length, y.nums.length); i++) {
    const d = (x.nums[i] ?? 0) - (y.nums[i] ?? 0);
    if (d !== 0) return d;
  }
  if (x.pre === y.pre) return 0;
  if (x.pre === undefined) return 1;
  if (y.pre === undefined) return -1;
  return x.pre.localeCompare(y.pre, "en", { numeric: true });
}

/** A stable, plausible date (YYYY-MM-DD) derived from the version, monotonic in version order. */
export function versionDate(version: string, epoch = Date.UTC(2015, 0, 1)): string {
  const [maj = 0, min = 0, pat = 0] = version.replace(/^v/, "").split(/[-+]/)[0]!.split(".").map((n) => Number(n) || 0);
  const days = maj * 180 + min * 10 + pat;
  return new Date(epoch + days * 86_400_000).toISOString().slice(0, 10);
}

export const json = (value: unknown, headers: Record<string, string> = {}): FakeResponse => ({
  body: `${JSON.stringify(value, null, 2)}\n`,
  contentType: "application/json; charset=utf-8",
  headers,
});

export const bytes = (body: Buffer | string, contentType = "application/octet-stream"): FakeResponse => ({ body, contentType });

/** `<hex>  <name>` lines (sha256sum format). */
export const shaLines = (rows: readonly (readonly [hex: string, name: string])[]): string =>
  rows.map(([h, n]) => `${h}  ${n}\n`).join("");

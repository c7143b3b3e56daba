/**
 * Version comparison as aqua's `semver(...)` / `semverWithVersion(...)` do it: hashicorp/go-version
 * (not strict semver): any number of numeric segments, padded to three ("1.6" is 1.6.0), an optional
 * `v`, a pre-release with or without a hyphen ("1.5rc2", "2.0.0b19", "1.18.0-rc.0"), build metadata
 * ignored; a pre-release sorts before its release. Pure.
 */
const PATTERN = /^v?([0-9]+(?:\.[0-9]+)*?)(?:-([0-9]+[0-9A-Za-z\-~]*(?:\.[0-9A-Za-z\-~]+)*)|(-?([A-Za-z\-~]+[0-9A-Za-z\-~]*(?:\.[0-9A-Za-z\-~]+)*)))?(?:\+([0-9A-Za-z\-~]+(?:\.[0-9A-Za-z\-~]+)*))?$/;

export interface GoVersion {
  segments: bigint[];
  pre: string;
  metadata: string;
}

/** undefined when go-version would not read it. */
export function parseGoVersion(v: string): GoVersion | undefined {
  const m = PATTERN.exec(v);
  if (!m) return undefined;
  const segments = m[1]!.split(".").map((s) => BigInt(s));
  while (segments.length < 3) segments.push(0n);
  return { segments, pre: m[4] ?? m[2] ?? "", metadata: m[5] ?? "" };
}

const numeric = (s: string) => /^-?\d+$/.test(s);

function comparePart(a: string, b: string): number {
  if (a === b) return 0;
  const an = numeric(a);
  const bn = numeric(b);
  if (a === "") return bn ? -1 : 1;
  if (b === "") return an ? 1 : -1;
  if (an && !bn) return -1;
  if (!an && bn) return 1;
  if (!an && !bn) return a > b ? 1 : -1;
  return BigInt(a) > BigInt(b) ? 1 : -1;
}

function comparePre(a: string, b: string): number {
  if (a === b) return 0;
  const as = a.split(".");
  const bs = b.split(".");
  for (let i = 0; i < Math.max(as.length, bs.length); i++) {
    const c = comparePart(as[i] ?? "", bs[i] ?? "");
    if (c !== 0) return c;
  }
  return 0;
}

export function compareGoVersions(a: GoVersion, b: GoVersion): number {
  const same = a.segments.length === b.segments.length && a.segments.every((s, i) => s === b.segments[i]);
  if (same) {
    if (a.pre === b.pre) return 0;
    if (a.pre === "") return 1;
    if (b.pre === "") return -1;
    return comparePre(a.pre, b.pre);
  }
  // Lopsided lengths: the longer one's extra segments count only when they are not all zero.
  for (let i = 0; i < Math.max(a.segments.length, b.segments.length); i++) {
    if (i >= a.segments.length) return b.segments.slice(i).some((s) => s !== 0n) ? -1 : 0;
    if (i >= b.segments.length) return a.segments.slice(i).some((s) => s !== 0n) ? 1 : 0;
    if (a.segments[i] !== b.segments[i]) return a.segments[i]! < b.segments[i]! ? -1 : 1;
  }
  return 0;
}

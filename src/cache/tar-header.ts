/**
 * ustar headers (POSIX.1-1988 as pax and GNU tar write them): written for the few short names an
 * OCI layout has, read with the extensions other writers use for long names and large sizes (pax
 * `x` records, GNU `L` names, base-256 sizes). Pure.
 */
export const BLOCK = 512;

export type MemberType = "file" | "dir" | "pax" | "pax-global" | "gnu-longname" | "other";

export interface RawHeader {
  name: string;
  size: number;
  type: MemberType;
}

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, "0") + "\0";
}

/** A header for a regular file (`dir` for a directory) named `name` (at most 100 bytes). */
export function encodeHeader(name: string, size: number, kind: "file" | "dir" = "file", mtime = 0): Buffer {
  const h = Buffer.alloc(BLOCK);
  const n = Buffer.from(name, "utf8");
  if (n.length > 100) throw new Error(`tar member name longer than 100 bytes: ${name}`);
  n.copy(h, 0);
  h.write(octal(kind === "dir" ? 0o755 : 0o644, 8), 100, "ascii");
  h.write(octal(0, 8), 108, "ascii");
  h.write(octal(0, 8), 116, "ascii");
  if (size < 8 ** 11) h.write(octal(size, 12), 124, "ascii");
  else {
    // base-256 (GNU, read by every modern tar): the high bit set, the value big-endian.
    h[124] = 0x80;
    h.writeBigUInt64BE(BigInt(size), 128);
  }
  h.write(octal(Math.floor(mtime), 12), 136, "ascii");
  h[156] = (kind === "dir" ? "5" : "0").charCodeAt(0);
  h.write("ustar\u000000", 257, "ascii");
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(octal(sum, 7) + " ", 148, "ascii");
  return h;
}

const cstring = (b: Buffer, start: number, len: number) => {
  const s = b.subarray(start, start + len);
  const nul = s.indexOf(0);
  return s.subarray(0, nul < 0 ? len : nul).toString("utf8");
};

function readNumber(b: Buffer, start: number, len: number): number | undefined {
  if (b[start]! & 0x80) {
    let v = 0n;
    for (let i = start + 1; i < start + len; i++) v = (v << 8n) | BigInt(b[i]!);
    if (b[start] !== 0x80 || v > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
    return Number(v);
  }
  const text = cstring(b, start, len).trim();
  if (text === "") return 0;
  return /^[0-7]+$/.test(text) ? parseInt(text, 8) : undefined;
}

export const isZeroBlock = (b: Buffer) => b.every((x) => x === 0);

/** The header in `b` (one block), or a reason it is not one. */
export function parseHeader(b: Buffer): RawHeader | { error: string } {
  const stored = readNumber(b, 148, 8);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const x = i >= 148 && i < 156 ? 0x20 : b[i]!;
    unsigned += x;
    signed += x > 127 ? x - 256 : x;
  }
  if (stored === undefined || (stored !== unsigned && stored !== signed)) return { error: "a header's checksum is wrong" };
  const size = readNumber(b, 124, 12);
  if (size === undefined) return { error: "a header's size is not a number" };
  const flag = String.fromCharCode(b[156]!);
  const type: MemberType =
    flag === "0" || flag === "\0" || flag === "7" ? "file" : flag === "5" ? "dir" : flag === "x" ? "pax" : flag === "g" ? "pax-global" : flag === "L" ? "gnu-longname" : "other";
  let name = cstring(b, 0, 100);
  if (b.toString("ascii", 257, 262) === "ustar") {
    const prefix = cstring(b, 345, 155);
    if (prefix) name = `${prefix}/${name}`;
  }
  return { name, size, type };
}

/** The path and size of pax extended header records (`<len> key=value\n`…). */
export function parsePax(data: Buffer): { path?: string; size?: number } {
  const out: { path?: string; size?: number } = {};
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    if (space < 0) break;
    const len = Number(data.toString("ascii", at, space));
    if (!Number.isInteger(len) || len <= space - at || at + len > data.length) break;
    const record = data.toString("utf8", space + 1, at + len - 1);
    const eq = record.indexOf("=");
    const key = record.slice(0, eq);
    const value = record.slice(eq + 1);
    if (key === "path") out.path = value;
    if (key === "size" && /^\d+$/.test(value)) out.size = Number(value);
    at += len;
  }
  return out;
}

export const padded = (size: number) => Math.ceil(size / BLOCK) * BLOCK;

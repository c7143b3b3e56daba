/**
 * In-memory builders for real archive bytes (tar/ustar+pax, zip, gzip, xz, zstd),
 * written by hand so tests can craft any entry — including malicious ones
 * (`../evil`, `/abs`, setuid modes, links pointing outside the tree).
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { createGzip, deflateRawSync, gzipSync } from "node:zlib";

export * from "./tool-trees.js";

export type EntryType = "file" | "dir" | "symlink" | "hardlink" | "fifo";

export interface Entry {
  /** Written verbatim (no normalisation): `../evil`, `/abs`, `a/../../b` are all fine. */
  path: string;
  /** Default "file". */
  type?: EntryType;
  content?: string | Buffer;
  /** Permission bits incl. setuid/setgid/sticky (e.g. 0o4755). Default 0o644 file, 0o755 dir, 0o777 symlink. */
  mode?: number;
  /** Target of a symlink (any string) or hardlink (a path inside the archive). */
  linkname?: string;
  /** Seconds since the epoch. Default a fixed date, so archives are byte-for-byte reproducible. */
  mtime?: number;
  uid?: number;
  gid?: number;
  /** Extra pax records for this entry (tar only), e.g. `{ path: "other" }` to smuggle a name. */
  pax?: Record<string, string>;
  /** Zip only: compression method. Default "deflate" for files, "store" otherwise. */
  method?: "deflate" | "store";
}

const FIXED_MTIME = 1_700_000_000; // 2023-11-14T22:13:20Z
const BLOCK = 512;

export const sha256hex = (buf: Buffer | string): string => createHash("sha256").update(buf).digest("hex");

const toBuf = (c: string | Buffer | undefined): Buffer =>
  c === undefined ? Buffer.alloc(0) : typeof c === "string" ? Buffer.from(c, "utf8") : c;

const defaultMode = (t: EntryType): number => (t === "dir" ? 0o755 : t === "symlink" ? 0o777 : 0o644);

// ---------------------------------------------------------------- tar (ustar + pax)

const TAR_TYPEFLAG: Record<EntryType, string> = { file: "0", hardlink: "1", symlink: "2", dir: "5", fifo: "6" };

function writeStr(h: Buffer, off: number, len: number, s: string | Buffer): void {
  const b = toBuf(s);
  b.copy(h, off, 0, Math.min(len, b.length));
}

function writeOctal(h: Buffer, off: number, len: number, n: number): void {
  // len-1 octal digits, zero padded, NUL terminated
  writeStr(h, off, len, n.toString(8).padStart(len - 1, "0").slice(-(len - 1)) + "\0");
}

function tarHeader(name: string, typeflag: string, size: number, e: Partial<Entry>, linkname = ""): Buffer {
  const h = Buffer.alloc(BLOCK);
  writeStr(h, 0, 100, name);
  writeOctal(h, 100, 8, (e.mode ?? 0o644) & 0o7777);
  writeOctal(h, 108, 8, e.uid ?? 0);
  writeOctal(h, 116, 8, e.gid ?? 0);
  writeOctal(h, 124, 12, size);
  writeOctal(h, 136, 12, e.mtime ?? FIXED_MTIME);
  h.fill(0x20, 148, 156); // checksum placeholder: 8 spaces
  writeStr(h, 156, 1, typeflag);
  writeStr(h, 157, 100, linkname);
  writeStr(h, 257, 6, "ustar\0");
  writeStr(h, 263, 2, "00");
  writeStr(h, 265, 32, "root");
  writeStr(h, 297, 32, "root");
  let sum = 0;
  for (const b of h) sum += b;
  writeStr(h, 148, 8, sum.toString(8).padStart(6, "0") + "\0 ");
  return h;
}

const pad = (n: number): Buffer => Buffer.alloc((BLOCK - (n % BLOCK)) % BLOCK);

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = Buffer.byteLength(body) + 1;
  while (String(len).length + Buffer.byteLength(body) !== len) len = String(len).length + Buffer.byteLength(body);
  return `${len}${body}`;
}

/** A complete tar archive (ustar headers; pax `x` headers for names/links over 100 bytes). */
export function tarEntries(entries: Entry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const type = e.type ?? "file";
    const name = type === "dir" && !e.path.endsWith("/") ? `${e.path}/` : e.path;
    const linkname = e.linkname ?? "";
    if ((type === "symlink" || type === "hardlink") && !e.linkname) throw new Error(`tarEntries: ${name} needs linkname`);
    const body = type === "file" ? toBuf(e.content) : Buffer.alloc(0);
    const pax: Record<string, string> = {};
    if (Buffer.byteLength(name) > 100) pax.path = name;
    if (Buffer.byteLength(linkname) > 100) pax.linkpath = linkname;
    Object.assign(pax, e.pax ?? {});
    if (Object.keys(pax).length > 0) {
      const data = Buffer.from(Object.entries(pax).map(([k, v]) => paxRecord(k, v)).join(""), "utf8");
      const paxName = `PaxHeader/${name.replace(/\/$/, "").split("/").pop() ?? "x"}`.slice(0, 99);
      parts.push(tarHeader(paxName, "x", data.length, { mtime: e.mtime }), data, pad(data.length));
    }
    parts.push(tarHeader(name, TAR_TYPEFLAG[type], body.length, { ...e, mode: e.mode ?? defaultMode(type) }, linkname));
    if (body.length) parts.push(body, pad(body.length));
  }
  parts.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(parts);
}

// ---------------------------------------------------------------- compression

export const gzip = (buf: Buffer): Buffer => gzipSync(buf);

/**
 * A gzip bomb: a .tar.gz holding one file `path` of `size` zero bytes (after `entries`), built
 * without ever holding the zeros in memory. 256 MiB of zeros compress to about 260 kB.
 */
export async function gzipBomb(path: string, size: number, entries: Entry[] = []): Promise<Buffer> {
  const gz = createGzip({ level: 9 });
  const out: Buffer[] = [];
  gz.on("data", (c: Buffer) => out.push(c));
  const ended = new Promise<void>((resolve, reject) => {
    gz.on("end", resolve);
    gz.on("error", reject);
  });
  const head = tarEntries(entries);
  gz.write(head.subarray(0, head.length - BLOCK * 2)); // without the end-of-archive blocks
  gz.write(tarHeader(path, "0", size, { mode: 0o644 }));
  const zeros = Buffer.alloc(1 << 20);
  for (let left = size; left > 0; left -= zeros.length) {
    if (!gz.write(left >= zeros.length ? zeros : zeros.subarray(0, left))) await new Promise((r) => gz.once("drain", r));
  }
  gz.end(Buffer.concat([pad(size), Buffer.alloc(BLOCK * 2)]));
  await ended;
  return Buffer.concat(out);
}

interface LzmaNative {
  compress(buf: Buffer, opts: { preset?: number }, cb: (result: Buffer, err?: Error) => void): void;
}
const lzma = createRequire(import.meta.url)("lzma-native") as LzmaNative;

/** xz (.tar.xz) via lzma-native. */
export function xz(buf: Buffer, preset = 6): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    lzma.compress(buf, { preset }, (result, err) => (err ? reject(err) : resolve(result)));
  });
}

/**
 * `buf` compressed by a system tool (bzip2, zstd, xz: .ci/run installs them), as real archives
 * in the wild are made.
 */
export function viaTool(tool: "bzip2" | "zstd" | "xz", buf: Buffer): Buffer {
  const args = { bzip2: ["-c9"], zstd: ["-c", "-q", "-19"], xz: ["-c", "-6"] }[tool];
  const r = spawnSync(tool, args, { input: buf, maxBuffer: 1 << 30 });
  if (r.error || r.status !== 0) throw new Error(`${tool} ${args.join(" ")} failed: ${r.error?.message ?? r.stderr.toString()}`);
  return r.stdout;
}

export const bzip2 = (buf: Buffer): Buffer => viaTool("bzip2", buf);
/** A real zstd frame (compressed blocks, checksum), unlike zstdFrame's stored blocks. */
export const zstd = (buf: Buffer): Buffer => viaTool("zstd", buf);

/**
 * A bomb of one compressed file: `size` zero bytes through gzip/xz/zstd/bzip2, the zeros streamed
 * from /dev/zero by the shell (never held in memory). 64 MiB of zeros become a few kB.
 */
export function zerosBomb(tool: "gzip" | "bzip2" | "zstd" | "xz", size: number): Buffer {
  const r = spawnSync("sh", ["-c", `head -c ${size} /dev/zero | ${tool} -c${tool === "zstd" ? " -q" : ""}`], { maxBuffer: 1 << 28 });
  if (r.error || r.status !== 0) throw new Error(`${tool} bomb failed: ${r.error?.message ?? r.stderr.toString()}`);
  return r.stdout;
}

/**
 * A valid zstd frame made only of raw (uncompressed) blocks. No zstd encoder is available in the
 * project, but stored blocks are part of the format: `zstd -d` and fzstd decode this fine.
 */
export function zstdFrame(buf: Buffer): Buffer {
  const header = Buffer.alloc(4 + 1 + 8);
  header.writeUInt32LE(0xfd2fb528, 0); // magic
  header[4] = 0b1110_0000; // FCS field 8 bytes, single segment, no checksum, no dict
  header.writeBigUInt64LE(BigInt(buf.length), 5);
  const parts: Buffer[] = [header];
  const MAX = 128 * 1024;
  let off = 0;
  do {
    const size = Math.min(MAX, buf.length - off);
    const last = off + size >= buf.length ? 1 : 0;
    const bh = Buffer.alloc(3);
    bh.writeUIntLE((size << 3) | (0 << 1) | last, 0, 3); // Block_Type 0 = Raw
    parts.push(bh, buf.subarray(off, off + size));
    off += size;
  } while (off < buf.length);
  return Buffer.concat(parts);
}

// ---------------------------------------------------------------- zip

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = (CRC_TABLE[(c ^ b) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
const DOS_TIME = 0; // 00:00:00
const DOS_DATE = ((2024 - 1980) << 9) | (1 << 5) | 1; // 2024-01-01

/** A zip archive (local headers + central directory) with unix modes in the external attributes. */
export function zipEntries(entries: Entry[]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const type = e.type ?? "file";
    if (type === "hardlink" || type === "fifo") throw new Error(`zipEntries: ${type} is not representable in zip`);
    const name = Buffer.from(type === "dir" && !e.path.endsWith("/") ? `${e.path}/` : e.path, "utf8");
    const raw = type === "file" ? toBuf(e.content) : type === "symlink" ? toBuf(e.linkname) : Buffer.alloc(0);
    const method = type === "file" && (e.method ?? "deflate") === "deflate" ? 8 : 0;
    const data = method === 8 ? deflateRawSync(raw) : raw;
    const crc = crc32(raw);
    const ifmt = type === "dir" ? S_IFDIR : type === "symlink" ? S_IFLNK : S_IFREG;
    const extAttr = ((((ifmt | ((e.mode ?? defaultMode(type)) & 0o7777)) << 16) >>> 0) | (type === "dir" ? 0x10 : 0)) >>> 0;
    const flags = /[^\x00-\x7f]/.test(name.toString("utf8")) ? 0x0800 : 0;
    const versionNeeded = method === 8 || type === "dir" ? 20 : 10;

    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(versionNeeded, 4);
    lh.writeUInt16LE(flags, 6);
    lh.writeUInt16LE(method, 8);
    lh.writeUInt16LE(DOS_TIME, 10);
    lh.writeUInt16LE(DOS_DATE, 12);
    lh.writeUInt32LE(crc, 14);
    lh.writeUInt32LE(data.length, 18);
    lh.writeUInt32LE(raw.length, 22);
    lh.writeUInt16LE(name.length, 26);
    lh.writeUInt16LE(0, 28);
    locals.push(lh, name, data);

    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE((3 << 8) | 30, 4); // made by: unix, spec 3.0
    ch.writeUInt16LE(versionNeeded, 6);
    ch.writeUInt16LE(flags, 8);
    ch.writeUInt16LE(method, 10);
    ch.writeUInt16LE(DOS_TIME, 12);
    ch.writeUInt16LE(DOS_DATE, 14);
    ch.writeUInt32LE(crc, 16);
    ch.writeUInt32LE(data.length, 20);
    ch.writeUInt32LE(raw.length, 24);
    ch.writeUInt16LE(name.length, 28);
    // extra len, comment len, disk start, internal attrs: 0
    ch.writeUInt32LE(extAttr, 38);
    ch.writeUInt32LE(offset, 42);
    central.push(ch, name);

    offset += lh.length + name.length + data.length;
  }
  const cd = Buffer.concat(central);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, eocd]);
}

/**
 * Reading a published checksum document (SHA256SUMS, a goreleaser checksums.txt, a `.sha256`
 * sidecar, yq's checksums-bsd) for one file's hash, the three ways the aqua registry describes them:
 *
 * - `raw`: the document is one hash, maybe followed by a name (ignored, as aqua does: a sidecar
 *   belongs to one file by its own name).
 * - `regexp`: `pattern.checksum` and `pattern.file` (Go RE2, one capture group each) are tried on
 *   every line, as aqua does; a line where both capture is an entry. Without `pattern.file` the
 *   first line whose hash pattern captures is the hash of every file.
 * - `default`: lines of `<hash>  <name>` (sha256sum, shasum, goreleaser; `*name` in binary mode,
 *   `./name` or `dir/name` compared by base name like aqua), BSD/`--tag` lines `SHA256 (name) = <hash>`
 *   (only those of the spec's algorithm: yq lists thirty algorithms per file, `SHA3-256` among them),
 *   and a document of one bare hash (the hash of every file, as aqua reads it).
 *
 * Every hash read is checked against the algorithm (sha256: 64 hex digits, sha512: 128, sha1: 40,
 * md5: 32; base64 of the right length is accepted, as `cksum --base64` writes) and returned as
 * lowercase hex. A name listed twice with two different hashes is an error, never a pick.
 */
import { DevenvError } from "../../../errors.js";
import { compileRe2, Re2Error } from "./re2.js";
import type { AquaChecksumSpec, ChecksumAlgorithm } from "./types.js";

/** The largest checksum document devenv reads (the largest real ones, python-build-standalone's SHA256SUMS, are ~300 KB). */
export const CHECKSUM_DOC_MAX_BYTES = 4 << 20;
/** Lines longer than this are no checksum line (bounds the regexp work on a hostile document). */
const MAX_LINE = 8192;

export const DIGEST_BYTES: Record<ChecksumAlgorithm, number> = { md5: 16, sha1: 20, sha256: 32, sha512: 64 };

/** The document cannot be read for this file: too large, a hash of the wrong length, two hashes for one name. */
export class ChecksumDocError extends DevenvError {
  constructor(readonly url: string, what: string, hint?: string) {
    super("CHECKSUM_UNTRUSTED", `checksum document ${url}: ${what}`, {
      hint: hint ?? "The published checksums cannot be trusted as they are; report it upstream, or pin the sha256 inline in devenv.ts after checking the file another way.",
    });
    this.name = "ChecksumDocError";
  }
}

/** `hash` (hex, or base64 of the right length) as lowercase hex, or undefined when it is not a `algorithm` digest. */
export function normalizeDigest(hash: string, algorithm: ChecksumAlgorithm): string | undefined {
  const bytes = DIGEST_BYTES[algorithm];
  if (new RegExp(`^[0-9a-fA-F]{${bytes * 2}}$`).test(hash)) return hash.toLowerCase();
  const b64len = Math.ceil(bytes / 3) * 4;
  if (hash.length === b64len && /^[A-Za-z0-9+/]+={0,2}$/.test(hash)) {
    const buf = Buffer.from(hash, "base64");
    if (buf.length === bytes && buf.toString("base64") === hash) return buf.toString("hex");
  }
  return undefined;
}

/**
 * A sha512 hex digest as the SRI string a lock's `integrity` holds
 * (`sha512-<base64>`), for upstreams that publish no sha256; sha256 stays hex in `sha256`.
 */
export function sriOf(hex: string, algorithm: "sha512"): string {
  if (!/^[0-9a-f]{128}$/.test(hex)) throw new Error(`not a ${algorithm} hex digest: ${hex.slice(0, 20)}…`);
  return `${algorithm}-${Buffer.from(hex, "hex").toString("base64")}`;
}

/** The name a line gives, without sha256sum's `*` (binary mode) and a leading `./`. */
export function entryName(name: string): string {
  return name.trim().replace(/^\*/, "").replace(/^(\.\/)+/, "");
}

const baseName = (n: string) => n.slice(n.lastIndexOf("/") + 1);

interface Entry { name: string; hash: string; line: number }

/**
 * The hash `spec.lookup` has in `doc` as lowercase hex, or undefined when the document does not
 * list it. Throws ChecksumDocError (too large, wrong length, conflicting entries) and Re2Error (a
 * pattern that cannot be read).
 */
export function findChecksum(doc: string, spec: AquaChecksumSpec): { hex: string } | undefined {
  if (doc.length > CHECKSUM_DOC_MAX_BYTES) {
    throw new ChecksumDocError(spec.url, `${doc.length} bytes, more than the ${CHECKSUM_DOC_MAX_BYTES} a checksum document may have`);
  }
  const lines = doc.replace(/\r\n?/g, "\n").split("\n");
  const check = (hash: string, line: number, name: string): string => {
    const hex = normalizeDigest(hash, spec.algorithm);
    if (hex) return hex;
    throw new ChecksumDocError(spec.url, `line ${line} gives ${name} the hash ${JSON.stringify(hash.slice(0, 140))}, which is not a ${spec.algorithm} digest (${DIGEST_BYTES[spec.algorithm] * 2} hex digits)`);
  };
  if (spec.fileFormat === "raw") {
    const body = lines.map((l) => l.trim()).filter(Boolean);
    if (body.length !== 1) throw new ChecksumDocError(spec.url, `a raw checksum document holds one hash, this one has ${body.length} lines`);
    return { hex: check(body[0]!.split(/\s+/)[0]!, lines.findIndex((l) => l.trim()) + 1, spec.lookup) };
  }
  const entries = spec.fileFormat === "regexp" ? regexpEntries(lines, spec, check) : defaultEntries(lines, spec, check);
  if ("all" in entries) return { hex: entries.all };
  // The name as written first; else by base name, as aqua compares (`dist/tool`, `/home/runner/tool`).
  // nodejs.org lists win-x64/node.exe and win-x86/node.exe: their base names collide.
  const want = entryName(spec.lookup);
  const exact = entries.list.filter((e) => e.name === want);
  const hits = exact.length ? exact : entries.list.filter((e) => baseName(e.name) === baseName(want));
  const distinct = [...new Set(hits.map((e) => e.hash))];
  if (distinct.length > 1) {
    throw new ChecksumDocError(spec.url, `${want} is listed ${hits.length} times with different hashes (lines ${hits.map((e) => e.line).join(", ")})`);
  }
  return distinct.length ? { hex: distinct[0]! } : undefined;
}

type Check = (hash: string, line: number, name: string) => string;
type Entries = { list: Entry[] } | { all: string };

function defaultEntries(lines: string[], spec: AquaChecksumSpec, check: Check): Entries {
  const body = lines.map((l, i) => ({ text: l.trim(), line: i + 1 })).filter((l) => l.text);
  // One bare token: the hash of whatever file the document is for.
  if (body.length === 1 && !/\s/.test(body[0]!.text)) return { all: check(body[0]!.text, body[0]!.line, spec.lookup) };
  const tag = spec.algorithm.toUpperCase();
  const list: Entry[] = [];
  for (const { text, line } of body) {
    if (text.length > MAX_LINE) continue;
    const bsd = /^([A-Za-z0-9-]+)\s*\((.+)\)\s*=\s*(\S+)$/.exec(text);
    if (bsd) {
      if (bsd[1]!.toUpperCase() === tag) list.push({ name: entryName(bsd[2]!), hash: check(bsd[3]!, line, bsd[2]!), line });
      continue;
    }
    const gnu = /^(\S+)\s+(.+)$/.exec(text);
    if (!gnu) continue;
    const [, hash, rawName] = gnu as unknown as [string, string, string];
    const name = entryName(rawName);
    if (normalizeDigest(hash, spec.algorithm)) list.push({ name, hash: check(hash, line, name), line });
    // A hex token of another length: another algorithm's line (md5 beside sha256), unless it names
    // the very file looked up. Anything else (a name-first table, a PGP armour line) is no entry.
    else if (/^[0-9a-fA-F]{8,}$/.test(hash) && baseName(name) === baseName(entryName(spec.lookup))) check(hash, line, name);
  }
  return { list };
}

function regexpEntries(lines: string[], spec: AquaChecksumSpec, check: Check): Entries {
  if (!spec.pattern?.checksum) throw new Re2Error("", "file_format regexp without pattern.checksum");
  const sum = oneGroup(spec.pattern.checksum);
  const file = spec.pattern.file ? oneGroup(spec.pattern.file) : undefined;
  const list: Entry[] = [];
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!;
    if (text.length > MAX_LINE) continue;
    const hash = sum.exec(text)?.[1];
    if (!hash) continue;
    if (!file) return { all: check(hash, i + 1, spec.lookup) };
    const name = file.exec(text)?.[1];
    if (name) list.push({ name: entryName(name), hash: check(hash, i + 1, name), line: i + 1 });
  }
  return { list };
}

function oneGroup(pattern: string): RegExp {
  const { re, groups } = compileRe2(pattern);
  if (groups < 1) throw new Re2Error(pattern, "has no capture group (aqua reads the first one)");
  return re;
}

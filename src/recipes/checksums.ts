import { DevenvError } from "../errors.js";
import type { Artifact } from "./types.js";

/** Parse `sha256sum` output (`<hex>  <file>` or `<hex> *<file>`) into file → hex. */
export function parseShaSums(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^([0-9a-fA-F]{64})\s+\*?(.+?)\s*$/.exec(line);
    if (m) out.set(m[2]!.replace(/^\.\//, ""), m[1]!.toLowerCase());
  }
  return out;
}

/** A GitHub asset digest `sha256:<hex>` → hex, or undefined. */
export function digestToSha256(digest: string | null | undefined): string | undefined {
  const m = digest ? /^sha256:([0-9a-f]{64})$/i.exec(digest) : null;
  return m ? m[1]!.toLowerCase() : undefined;
}

export const isSha256 = (s: unknown): s is string => typeof s === "string" && /^[0-9a-f]{64}$/.test(s);

/**
 * An artifact whose upstream publishes no trustworthy checksum (no digest, no checksum file, no
 * table entry). Recipes throw it with everything but the checksum; the lock step either refuses
 * (the error stands, with its hint) or, when the user opted in to `first-download` for this tool,
 * downloads the file once, hashes it and locks that value (checksum: "first-download").
 */
export class ChecksumMissingError extends DevenvError {
  readonly artifact: Omit<Artifact, "sha256" | "integrity" | "checksum">;
  constructor(message: string, artifact: Omit<Artifact, "sha256" | "integrity" | "checksum">, opts: { hint?: string } = {}) {
    super("CHECKSUM_MISSING", message, opts);
    this.artifact = artifact;
  }
}

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

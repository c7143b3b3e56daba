/**
 * The pure parts of a blob upload (the distribution spec's "push"): where the next request goes
 * (a Location may be relative or absolute and already hold a query string, such as distribution's
 * `?_state=…`, kept byte for byte), the digest parameter of the closing PUT, and the chunks of a
 * chunked upload with their Content-Range (`<first>-<last>`, inclusive, no unit).
 */

/** The absolute URL of an upload Location, resolved against the URL that answered; undefined when unusable (not http(s), or https → http). */
export function uploadTarget(answeredUrl: string, location: string): string | undefined {
  let u: URL;
  try {
    u = new URL(location, answeredUrl);
  } catch {
    return undefined;
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") return undefined;
  if (u.protocol === "http:" && answeredUrl.startsWith("https:")) return undefined;
  u.hash = "";
  return u.toString();
}

/** `url` with `digest=sha256:<hex>` added after any query it has. */
export function withDigest(url: string, sha256: string): string {
  const bare = url.replace(/#.*$/, "");
  const sep = !bare.includes("?") ? "?" : bare.endsWith("?") || bare.endsWith("&") ? "" : "&";
  return `${bare}${sep}digest=sha256%3A${sha256}`;
}

export interface Chunk {
  start: number;
  length: number;
}

/** The chunks of a file of `size` bytes, each at most `chunkSize` (a file of 0 bytes: none). */
export function chunksOf(size: number, chunkSize: number): Chunk[] {
  if (!(chunkSize > 0)) throw new Error(`chunk size must be positive, got ${chunkSize}`);
  const out: Chunk[] = [];
  for (let start = 0; start < size; start += chunkSize) out.push({ start, length: Math.min(chunkSize, size - start) });
  return out;
}

/** The Content-Range of a PATCH: first and last byte offsets, inclusive. */
export const contentRange = (c: Chunk) => `${c.start}-${c.start + c.length - 1}`;

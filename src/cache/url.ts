/**
 * Where a team's artifact cache is (issue 18 groundwork): an OCI registry repository, `oci://host[:port]/
 * namespace/repo` (HTTPS; `oci+http://` for a registry without TLS, such as one on loopback in tests), or
 * an OCI image layout on disk, `oci-layout:<dir>`. Pure: what the URL says, checked, or an error saying
 * what is wrong with it.
 */
import { DevenvError } from "../errors.js";
import { shown } from "../text.js";

export type CacheLocation =
  | { kind: "registry"; scheme: "https" | "http"; host: string; repository: string }
  | { kind: "layout"; dir: string };

/** The distribution spec's repository name: lowercase path components joined by `/`, each `[a-z0-9]+` with `.`, `_`, `__` or dashes between. */
const COMPONENT = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;
/** host or host:port, a bracketed IPv6 address allowed. */
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}))?$/;
const HINT = 'A cache is oci://host[:port]/namespace/repo (e.g. oci://ghcr.io/acme/devenv-cache), oci+http://127.0.0.1:5000/devenv for a registry without TLS, or oci-layout:/path/to/dir.';

const bad = (url: string, why: string) => new DevenvError("USAGE", `cache ${shown(url.slice(0, 200))}: ${why}`, { hint: HINT });

export function parseCacheUrl(url: string): CacheLocation {
  if (url.startsWith("oci-layout:")) {
    const dir = url.slice("oci-layout:".length);
    if (!dir) throw bad(url, "no directory after oci-layout:");
    if (/[\0\n\r]/.test(dir)) throw bad(url, "the directory has a control character");
    return { kind: "layout", dir };
  }
  const m = /^(oci|oci\+http):\/\/([^/]*)\/(.*)$/.exec(url);
  if (!m) throw bad(url, "not an oci://, oci+http:// or oci-layout: URL");
  const [, scheme, host, path] = m as unknown as [string, string, string, string];
  const hm = HOST.exec(host);
  if (!host || !hm) throw bad(url, `${shown(host)} is not a registry host[:port]`);
  if (hm[1] !== undefined && (Number(hm[1]) < 1 || Number(hm[1]) > 65535)) throw bad(url, `port ${hm[1]} is out of range`);
  const repository = path.replace(/\/+$/, "");
  if (!repository) throw bad(url, "no repository after the host (oci://host/namespace/repo)");
  if (repository.length > 255) throw bad(url, "the repository name is longer than 255 characters");
  const wrong = repository.split("/").find((c) => !COMPONENT.test(c));
  if (wrong !== undefined) throw bad(url, `${shown(wrong)} is not a repository path component (lowercase letters and digits, with . _ __ or - between)`);
  return { kind: "registry", scheme: scheme === "oci" ? "https" : "http", host, repository };
}

/** The registry API URL of a blob (the distribution spec's `GET /v2/<name>/blobs/<digest>`). */
export function blobUrl(loc: Extract<CacheLocation, { kind: "registry" }>, sha256: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
  return `${loc.scheme}://${loc.host}/v2/${loc.repository}/blobs/sha256:${sha256}`;
}

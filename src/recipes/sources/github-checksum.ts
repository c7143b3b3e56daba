/**
 * The sha256 of a release asset of `github:owner/repo`, from where the release publishes it, in
 * order: a checksums list among its assets (checksums.txt, <name>_checksums.txt, SHA256SUMS,
 * sha256sum.txt, sha256.sum, …), the asset's own sidecar (<asset>.sha256, .sha256sum,
 * .sha256.txt), else the digest GitHub computed at upload. A published value that contradicts
 * GitHub's digest is refused. Nothing found: undefined (the caller throws ChecksumMissingError).
 */
import { DevenvError } from "../../errors.js";
import type { Http } from "../../platform/http.js";
import { digestToSha256 } from "../checksums.js";
import type { ChecksumSource } from "../types.js";
import { findChecksum } from "./aqua/checksum-doc.js";
import { fetchChecksumDoc } from "./checksum-fetch.js";
import type { GithubAsset } from "./github.js";

/** Checksum lists: sha256 ones only (devenv locks sha256), never their signatures. */
const LIST = /(^|[-_.])(checksums?(-bsd)?|sha256sums?|sha256|shasums?(256)?|sums)(\.txt|\.sum)?$/i;

/** The release's checksum lists (sha256), in a stable order. */
export function checksumListAssets(assets: readonly GithubAsset[]): GithubAsset[] {
  return assets.filter((a) => LIST.test(a.name) && !/sha(1|512|384)|md5/i.test(a.name)).sort((a, b) => a.name.localeCompare(b.name));
}

/** The per-asset sidecars of `name`. */
export function sidecarAssets(assets: readonly GithubAsset[], name: string): GithubAsset[] {
  const wanted = [".sha256", ".sha256sum", ".sha256.txt"].map((s) => name + s);
  return assets.filter((a) => wanted.includes(a.name));
}

export interface FoundChecksum {
  sha256: string;
  checksum: ChecksumSource;
  /** The document it came from, or "digest". */
  from: string;
}

export async function releaseAssetChecksum(
  http: Http, repo: string, tag: string, assets: readonly GithubAsset[], asset: GithubAsset, downloadUrl: (name: string) => string,
  read: (url: string) => Promise<string> = (url) => fetchChecksumDoc(http, url),
): Promise<FoundChecksum | undefined> {
  const digest = digestToSha256(asset.digest);
  let found: FoundChecksum | undefined;
  for (const doc of [...checksumListAssets(assets), ...sidecarAssets(assets, asset.name)]) {
    if (doc.name === asset.name) continue;
    const url = downloadUrl(doc.name);
    const text = await read(url);
    const hit = findChecksum(text, { url, algorithm: "sha256", fileFormat: "default", lookup: asset.name });
    if (!hit) continue;
    if (found && found.sha256 !== hit.hex) {
      throw new DevenvError("CHECKSUM_UNTRUSTED", `${repo} ${tag}: ${found.from} and ${doc.name} give ${asset.name} different sha256 (${found.sha256} and ${hit.hex})`, {
        hint: "The release's checksum files contradict each other; report it upstream. Nothing was locked.",
      });
    }
    found ??= { sha256: hit.hex, checksum: "checksum-file", from: doc.name };
  }
  if (found && digest && found.sha256 !== digest) {
    throw new DevenvError("CHECKSUM_UNTRUSTED", `${repo} ${tag}: ${found.from} gives ${asset.name} the sha256 ${found.sha256}, GitHub's digest of the uploaded file is ${digest}`, {
      hint: "The published checksum does not match the file GitHub serves; report it upstream. Nothing was locked.",
    });
  }
  return found ?? (digest ? { sha256: digest, checksum: "digest", from: "digest" } : undefined);
}

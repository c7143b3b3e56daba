/**
 * The real data behind the fake catalogue upstreams: test/fixtures/real/catalog-tools.json (sources
 * in test/fixtures/real/SOURCES.md). Per tool and release: the release's asset names (GitHub) or
 * file paths on the download host (`http` tools), where each list came from, which names were
 * verified against a public source, and the sha256 the project really published (hermit-packages
 * pins and other public pins) for the lead's conformance tests. The bytes the fake serves are its
 * own; only the names and document formats are real.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export interface CatalogReleaseData {
  /** The git tag (`jq-1.7.1`, `v2.45.0`, `15.1.0`). */
  tag: string;
  /** ISO publish time (decides GitHub's digest era). */
  publishedAt: string;
  /** The release's asset names on GitHub (for `http` tools: what the GitHub release carries, often nothing). */
  assets: string[];
  /** `http` tools: paths on the download host (no leading slash), e.g. `v1.30.2/bin/linux/amd64/kubectl`. */
  files?: string[];
  /** Where the list (and hashes) came from. */
  namesFrom: string;
  /** "all", or the names confirmed by a public source (the rest follow the project's naming, unverified). */
  verified: "all" | string[];
  /** Real published sha256 by asset name (or host path), where a public source pins one. */
  sha256: Record<string, string>;
  /**
   * What a correct lock of this release picks per platform, by the aqua registry entry: the asset
   * (http: host path), the executable inside it, and where its checksum comes from (a checksum
   * document's name/path, `digest` or `first-download`); null when the entry has no build for it.
   */
  expect: Record<ExpectPlatform, CatalogExpectation | null>;
}

export type ExpectPlatform = "linux-x64" | "linux-arm64" | "darwin-x64" | "darwin-arm64";

export interface CatalogExpectation {
  asset: string;
  exe: string;
  checksum: string;
}

export interface CatalogToolData {
  /** Short id used by tests (`jq`, `ripgrep`, `kubectl`). */
  id: string;
  /** The package's name in the aqua registry snapshot. */
  aqua: string;
  /** GitHub owner/repo (versions come from its releases, also for `http` tools). */
  repo: string;
  /** The executable's name. */
  bin: string;
  /** `http` tools: the download host's origin (`https://dl.k8s.io`). */
  http?: string;
  releases: CatalogReleaseData[];
}

export const CATALOG_DATA_FILE = fileURLToPath(new URL("../../../../../test/fixtures/real/catalog-tools.json", import.meta.url));

let cache: CatalogToolData[] | undefined;
export function catalogData(): CatalogToolData[] {
  cache ??= (JSON.parse(readFileSync(CATALOG_DATA_FILE, "utf8")) as { tools: CatalogToolData[] }).tools;
  return cache;
}

export function toolData(id: string): CatalogToolData {
  const t = catalogData().find((d) => d.id === id);
  if (!t) throw new Error(`catalog-tools.json has no tool ${id}`);
  return t;
}

/** The version a tag stands for (jq-1.7.1 → 1.7.1, v2.45.0 → 2.45.0). */
export const tagVersion = (tag: string): string => tag.replace(/^(jq-|v)/, "");

/**
 * Fake upstreams for 15 popular tools of the aqua registry, of every shape the catalogue must handle
 * (raw binaries, archives with and without a subdir, tar.xz, zip, `http` hosts with URL templates,
 * checksum files per release and per asset, multi-hash documents, `version_prefix`, old releases
 * under `version_overrides`, both GitHub digest eras). Real asset names and real checksum document
 * formats (test/fixtures/real/catalog-tools.json, SOURCES.md); the bytes are the fake's own and each
 * executable is a `#!/bin/sh` script answering `--version`.
 *
 * Start them with `startFakeUpstream({ catalog: true })` (or `{ catalog: { only: ["jq"] } }`): that
 * also serves the aqua registry snapshot at its pinned ref (./aqua-registry.ts).
 */
import { githubRepoUpstream, type GithubRepoOptions } from "./github.js";
import { catalogData, type CatalogToolData } from "./catalog/data.js";
import { fd } from "./catalog/fd.js";
import { fzf } from "./catalog/fzf.js";
import { gh } from "./catalog/gh.js";
import { golangciLint } from "./catalog/golangci-lint.js";
import { hadolint } from "./catalog/hadolint.js";
import { helm } from "./catalog/helm.js";
import { jq } from "./catalog/jq.js";
import type { CatalogToolSpec } from "./catalog/kit.js";
import { kubectl } from "./catalog/kubectl.js";
import { just } from "./catalog/just.js";
import { lazygit } from "./catalog/lazygit.js";
import { CatalogRelease, type CatalogBuildOptions } from "./catalog/release.js";
import { ripgrep } from "./catalog/ripgrep.js";
import { shellcheck } from "./catalog/shellcheck.js";
import { task } from "./catalog/task.js";
import { terraform } from "./catalog/terraform.js";
import { yq } from "./catalog/yq.js";
import { bytes, type Upstream } from "./types.js";

export { CatalogRelease } from "./catalog/release.js";
export type { AssetSpec, BuildSpec, ChecksumSpec, CatalogToolSpec } from "./catalog/kit.js";
export { catalogData, tagVersion, type CatalogReleaseData, type CatalogToolData } from "./catalog/data.js";

export const CATALOG_TOOL_SPECS: readonly CatalogToolSpec[] = [jq, ripgrep, gh, fzf, fd, yq, shellcheck, just, golangciLint, hadolint, task, lazygit, kubectl, terraform, helm];

export interface CatalogOptions extends CatalogBuildOptions, Pick<GithubRepoOptions, "pageSize" | "digests" | "redirectDownloads"> {
  /** Serve only these tools (ids: jq, ripgrep, gh, …); default all. */
  only?: string[];
  /**
   * Report the real published sha256 as the GitHub `digest` of assets uploaded since 2025-06-03
   * (where the data fixture has one) instead of the served bytes' hash: for lock-only conformance tests.
   */
  realDigests?: boolean;
}

export interface CatalogTool {
  data: CatalogToolData;
  spec: CatalogToolSpec;
  releases: CatalogRelease[];
}

/** The tools with their releases (the bytes are built on first use). Same options → same bytes. */
export function catalogTools(opts: CatalogOptions = {}): CatalogTool[] {
  return CATALOG_TOOL_SPECS.filter((s) => !opts.only || opts.only.includes(s.id)).map((spec) => {
    const data = catalogData().find((d) => d.id === spec.id);
    if (!data) throw new Error(`catalog-tools.json has no tool ${spec.id}`);
    return { data, spec, releases: data.releases.map((r) => new CatalogRelease(data, spec, r, opts)) };
  });
}

const contentType = (name: string): string =>
  name.endsWith(".tar.gz") ? "application/gzip" : name.endsWith(".zip") ? "application/zip" : name.endsWith(".tar.xz") ? "application/x-xz" : "application/octet-stream";

function githubUpstream(t: CatalogTool, repoId: number, opts: CatalogOptions): Upstream {
  const [owner = "", repo = ""] = t.data.repo.split("/");
  return githubRepoUpstream({
    owner, repo, repoId, pageSize: opts.pageSize, digests: opts.digests, redirectDownloads: opts.redirectDownloads,
    releases: t.releases.map((r) => ({
      tag: r.data.tag,
      publishedAt: r.data.publishedAt,
      body: `${t.data.repo} ${r.data.tag} (fake release for devenv tests; real asset names)`,
      assets: r.data.assets.map((name) => ({
        name,
        contentType: contentType(name),
        ...(opts.realDigests && r.data.sha256[name] ? { digest: r.data.sha256[name] } : {}),
        build: () => r.bytes(name),
      })),
    })),
  });
}

/** A download host (dl.k8s.io, releases.hashicorp.com, get.helm.sh) serving an `http` tool's files. */
function hostUpstream(t: CatalogTool): Upstream {
  const origin = t.data.http!;
  const prefix = `/${new URL(origin).host}/`;
  return {
    name: `catalog-http:${t.data.id}`,
    origins: [origin],
    async handle(req) {
      if (!req.path.startsWith(prefix)) return undefined;
      // dl.k8s.io serves the same files under /release/<v>/… (what install guides use).
      const key = req.path.slice(prefix.length).replace(/^release\//, "");
      const r = t.releases.find((x) => x.names.includes(key));
      return r ? bytes(await r.bytes(key), contentType(key)) : undefined;
    },
  };
}

export function catalogUpstreams(opts: CatalogOptions = {}): Upstream[] {
  return catalogTools(opts).flatMap((t, i) => {
    const gh = githubUpstream(t, 9_100 + i, opts);
    return t.data.http ? [gh, hostUpstream(t)] : [gh];
  });
}

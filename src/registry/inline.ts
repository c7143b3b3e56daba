import { DevenvError } from "../errors.js";
import { ALL_PLATFORMS, defineRecipe, splitPlatform, type ArchiveFormat, type PlatformKey, type Recipe } from "./types.js";

/** Options of a tool that no recipe knows, given in devenv.ts with its URL and checksum. */
export interface InlineOptions {
  url: string;
  sha256: string | Partial<Record<PlatformKey, string>>;
  bin?: string[];
  strip?: number;
}

export function fillUrl(template: string, version: string, platform: PlatformKey): string {
  const { os, arch } = splitPlatform(platform);
  return template.replaceAll("{version}", version).replaceAll("{os}", os).replaceAll("{arch}", arch);
}

export function formatOf(url: string): ArchiveFormat {
  const path = url.replace(/[?#].*$/, "").toLowerCase();
  if (path.endsWith(".tar.gz") || path.endsWith(".tgz")) return "tar.gz";
  if (path.endsWith(".tar.xz") || path.endsWith(".txz")) return "tar.xz";
  if (path.endsWith(".tar.zst") || path.endsWith(".tzst")) return "tar.zst";
  if (path.endsWith(".tar")) return "tar";
  if (path.endsWith(".zip")) return "zip";
  return "raw";
}

function shaFor(opts: InlineOptions, platform: PlatformKey): string | undefined {
  return typeof opts.sha256 === "string" ? opts.sha256 : opts.sha256[platform];
}

/** A recipe built from the inline options: exactly one version, the URL template and the pinned checksum(s). */
export function inlineRecipe(name: string, version: string, raw: Record<string, unknown>): Recipe {
  const opts = raw as unknown as InlineOptions;
  const platforms = typeof opts.sha256 === "string" ? ALL_PLATFORMS : ALL_PLATFORMS.filter((p) => shaFor(opts, p));
  return defineRecipe({
    name,
    description: `inline tool from ${opts.url}`,
    homepage: opts.url,
    revision: 1,
    platforms,
    async versions() {
      return [{ version }];
    },
    async artifact(_ctx, v, platform) {
      const sha256 = shaFor(opts, platform);
      if (!sha256) {
        throw new DevenvError("UNSUPPORTED_PLATFORM", `${name}: devenv.ts gives no sha256 for ${platform}`, {
          hint: `Add "${platform}": "<sha256>" under tools.${name}.sha256.`,
        });
      }
      const url = fillUrl(opts.url, v, platform);
      return { url, sha256, format: formatOf(url), strip: opts.strip ?? "auto" };
    },
    acceptsUrl: (v, platform, url) => url === fillUrl(opts.url, v, platform),
    bin: () => opts.bin ?? ["bin"],
  });
}

import { DevenvError } from "../errors.js";
import { formatOfUrl, isSingleFile, singleFileName } from "./formats.js";
import { ALL_PLATFORMS, defineRecipe, splitPlatform, type ArchiveFormat, type Artifact, type InstallTree, type LockedFieldProblem, type PlatformKey, type Recipe } from "./types.js";

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

/** The format of a download by its URL's extension (formats.ts): every lock entry's format must be this. */
export function formatOf(url: string): ArchiveFormat {
  return formatOfUrl(url);
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
      return { url, sha256, checksum: "inline", format: formatOf(url), strip: opts.strip ?? "auto" };
    },
    acceptsUrl: (v, platform, url) => url === fillUrl(opts.url, v, platform),
    checkLocked: (_v, platform, a) => checkInline(opts, platform, a),
    bin: () => opts.bin ?? ["bin"],
    // A single compressed file unpacks to `<download name>` at the root: as a raw download, it
    // becomes bin/<tool>, so the command has the tool's name on every platform.
    ...(isSingleFile(formatOf(opts.url)) ? { postInstall: (tree: InstallTree, platform: PlatformKey, _o: unknown, v?: string) => singleToBin(tree, name, fillUrl(opts.url, v ?? version, platform)) } : {}),
  });
}

function singleToBin(tree: InstallTree, name: string, url: string): void {
  const format = formatOf(url);
  const file = isSingleFile(format) ? singleFileName(url, format) : undefined;
  if (file === undefined || !tree.exists(file)) return; // the store refused it already, or another layout
  // A download named bin.gz is the file "bin": step aside before bin/ can be made.
  const from = file === "bin" ? ".bin.single" : file;
  if (from !== file) tree.move(file, from);
  tree.move(from, `bin/${name}`);
}

/**
 * devenv.ts pins everything about an inline tool's download: the lock may only repeat it. Its sha256
 * above all: the lock's own would install whatever a server sends for it.
 */
function checkInline(opts: InlineOptions, platform: PlatformKey, a: Artifact): LockedFieldProblem | undefined {
  const sha256 = shaFor(opts, platform);
  if (a.sha256 !== sha256) {
    return { field: "sha256", problem: `${a.sha256 ?? "(none)"} is not the sha256 devenv.ts gives for ${platform} (${sha256 ?? "none"})` };
  }
  if (a.integrity !== undefined) return { field: "integrity", problem: "an inline tool is checked by the sha256 devenv.ts gives, not by an integrity" };
  if (a.checksum !== undefined && a.checksum !== "inline") return { field: "checksum", problem: `${JSON.stringify(a.checksum)}: an inline tool's sha256 comes from devenv.ts ("inline")` };
  const strip = opts.strip ?? "auto";
  if (a.strip !== strip) return { field: "strip", problem: `${JSON.stringify(a.strip)} is not the strip devenv.ts implies (${JSON.stringify(strip)})` };
  for (const field of ["parts", "requires", "size"] as const) {
    if (a[field] !== undefined) return { field, problem: `devenv.ts gives no ${field} for an inline tool` };
  }
  return undefined;
}

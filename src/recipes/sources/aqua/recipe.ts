/**
 * A recipe made from one aqua registry package (issue 17): versions from the repository's GitHub
 * releases (or tags), the artifact per platform as the entry renders it, its checksum from the entry's
 * checksum document, else the release asset's digest, else the first-download opt-in.
 */
import { DevenvError } from "../../../errors.js";
import { ChecksumMissingError, digestToSha256 } from "../../checksums.js";
import { ALL_PLATFORMS, defineRecipe, type CatalogRecord, type PlatformKey, type Recipe, type RecipeArtifact, type VersionInfo } from "../../types.js";
import { fetchChecksumDoc } from "../checksum-fetch.js";
import { githubRelease, githubReleases, type GithubRelease } from "../github.js";
import { findChecksum, sriOf } from "./checksum-doc.js";
import { aquaPlatforms, renderPackage } from "./render.js";
import { aquaPackageName, type AquaPackage, type AquaRendered } from "./types.js";
import { aquaTagOf, aquaVersionOf } from "./versions.js";

/** Where the commands are linked, whatever the archive's layout: the one directory put on PATH. */
export const AQUA_BIN = ".devenv-bin";

const TAG_PAGES = 10;

const SINGLE_FILE = new Set(["gz", "xz", "zst", "bz2"]);

export function aquaRecipe(key: string, pkg: AquaPackage, catalog: CatalogRecord): Recipe {
  const pkgName = aquaPackageName(pkg);
  const repo = pkg.repo_owner && pkg.repo_name ? `${pkg.repo_owner}/${pkg.repo_name}` : undefined;
  // A lock entry is checked URL by URL, format by format, then provenance: each asks for the same
  // renders, which are pure. Rendered (or refused) once per version and platform.
  const renders = new Map<string, { r: AquaRendered } | { e: unknown }>();
  const attempt = (version: string, platform: PlatformKey) => {
    const key = `${version}\0${platform}`;
    let got = renders.get(key);
    if (!got) {
      try {
        got = { r: renderPackage(pkg, aquaTagOf(pkg, version), platform) };
      } catch (e) {
        got = { e };
      }
      renders.set(key, got);
    }
    return got;
  };
  const render = (version: string, platform: PlatformKey): AquaRendered => {
    const got = attempt(version, platform);
    if ("e" in got) throw got.e;
    return got.r;
  };
  const tryRender = (version: string, platform: PlatformKey): AquaRendered | undefined => {
    const got = attempt(version, platform);
    return "r" in got ? got.r : undefined;
  };
  const platforms = aquaPlatforms(pkg);

  /** The platforms a release has the rendered asset for (github_release), or that the entry renders at all. */
  const platformsOf = (version: string, release?: GithubRelease): PlatformKey[] =>
    platforms.filter((p) => {
      const r = tryRender(version, p);
      if (!r) return false;
      return release && r.type === "github_release" ? release.assets.some((a) => a.name === r.asset) : true;
    });

  return defineRecipe({
    name: key,
    source: `aqua:${pkgName}`,
    versionsKey: `aqua+${pkgName.replaceAll("/", "+")}+${catalog.entry.slice(0, 12)}`,
    description: typeof pkg.description === "string" ? pkg.description.trim() : pkgName,
    homepage: repo ? `https://github.com/${repo}` : typeof pkg.link === "string" ? pkg.link : "",
    revision: 1,
    platforms,
    options: ["aqua"],

    async versions({ http }) {
      if (!repo) {
        throw new DevenvError("UNSUPPORTED_PLATFORM", `${pkgName}: the aqua entry names no GitHub repository to list versions from`, {
          hint: `Pin an exact version in devenv.ts (${key}: "1.2.3") or give the tool inline with { version, url, sha256 }.`,
        });
      }
      if (pkg.version_source === "github_tag") {
        const tags = await http.jsonPages<{ name: string }>(`https://api.github.com/repos/${repo}/tags?per_page=100`, TAG_PAGES);
        return tags.flatMap((t) => {
          const version = aquaVersionOf(pkg, t.name);
          return version === undefined ? [] : [{ version, platforms: platformsOf(version) }];
        });
      }
      const releases = await githubReleases(http, repo);
      const out: VersionInfo[] = [];
      for (const r of releases) {
        const version = aquaVersionOf(pkg, r.tag_name);
        // A release GitHub marks as a pre-release is never "latest", even when its tag looks stable.
        if (version === undefined || (r.prerelease && !/-/.test(version))) continue;
        out.push({ version, ...(r.published_at ? { date: r.published_at.slice(0, 10) } : {}), platforms: platformsOf(version, r) });
      }
      return out;
    },

    async artifact({ http }, version, platform): Promise<RecipeArtifact> {
      const r = render(version, platform);
      let size: number | undefined;
      let digest: string | undefined;
      if (r.type === "github_release") {
        const release = await githubRelease(http, r.repo!, r.version);
        const asset = release.assets.find((a) => a.name === r.asset);
        if (!asset) {
          throw new DevenvError("UNSUPPORTED_PLATFORM", `${key} ${version} has no ${platform} build (the release has no asset ${r.asset})`, {
            hint: `Pick another version ('devenv versions ${key}') or drop ${platform} from 'platforms' in devenv.ts.`,
          });
        }
        size = asset.size;
        digest = digestToSha256(asset.digest);
      }
      const file = { url: r.url, format: r.archive, strip: 0, ...(size !== undefined ? { size } : {}) };
      const published = r.checksum && r.checksum.algorithm !== "sha1" && r.checksum.algorithm !== "md5" ? r.checksum : undefined;
      if (published) {
        const found = findChecksum(await fetchChecksumDoc(http, published.url), published);
        if (found && published.algorithm === "sha256") return { ...file, sha256: found.hex, checksum: "checksum-file" };
        if (found) return { ...file, integrity: sriOf(found.hex, "sha512"), checksum: "checksum-file" };
        if (!digest) {
          throw new DevenvError("CHECKSUM_MISSING", `${key} ${version}: ${published.asset ?? published.url} has no checksum for ${published.lookup}`, {
            hint: "The upstream's checksum file does not list this download. Pick another version, or report it to the aqua registry.",
          });
        }
      }
      if (digest) return { ...file, sha256: digest, checksum: "digest" };
      const weak = r.checksum && !published ? ` (it publishes only a ${r.checksum.algorithm}, too weak to lock)` : "";
      throw new ChecksumMissingError(`${key} ${version}: no published sha256 for ${r.asset ?? r.url}${weak}`, file, {
        hint: "The upstream publishes no checksum devenv can use, and GitHub lists no digest for it.",
      });
    },

    acceptsUrl: (version, platform, url) => tryRender(version, platform)?.url === url,
    formatFor: (version, platform) => tryRender(version, platform)?.archive,

    provenance(version) {
      const first = ALL_PLATFORMS.find((p) => platforms.includes(p) && tryRender(version, p));
      const signatures = first ? render(version, first).signatures : undefined;
      return { catalog, ...(signatures && Object.keys(signatures).length ? { signatures } : {}) };
    },

    bin: () => [AQUA_BIN],

    // The entry names each command and where it is in the download: link them all into one directory.
    postInstall(tree, platform, _options, version) {
      if (version === undefined) throw new Error("aqua postInstall needs the version");
      const r = render(version, platform);
      // A plain download is bin/<tool>; a compressed single file (gz, xz, zst, bz2) the one file at the root.
      const single = r.archive === "raw" ? `bin/${key}` : SINGLE_FILE.has(r.archive) ? tree.list("")[0] : undefined;
      for (const f of r.files) {
        if (!/^[A-Za-z0-9_+-][A-Za-z0-9._+-]*$/.test(f.name)) {
          throw new DevenvError("UNSAFE_ARCHIVE", `${key} ${version}: the aqua entry names a command ${JSON.stringify(f.name.slice(0, 80))}, which is not a file name`, {
            hint: "Nothing was installed. Report the entry to the aqua registry, or give the tool inline.",
          });
        }
        const src = single ?? f.src;
        tree.makeExecutable(src);
        tree.symlink(`${AQUA_BIN}/${f.name}`, `../${src}`);
      }
    },
  });
}

/**
 * An aqua registry entry evaluated for one release tag and one devenv platform (issue 17): which
 * file to download, how to unpack it, which executables it holds, where its checksum is, and its
 * signature metadata. aqua's rules (aquaproj/aqua pkg/config): version_overrides chosen by
 * version_constraint, then format_overrides and overrides for the platform, then supported_envs,
 * no_asset and error_message; templates see Version (the tag), SemVer (the tag without
 * version_prefix), GOOS/GOARCH, OS/Arch (replaced; rosetta2 gives darwin/arm64 the amd64 name),
 * Format and Vars. What devenv cannot evaluate is refused naming it (AquaUnsupportedError); what the
 * entry says does not exist is AquaNoAssetError. Never a guessed URL. Pure.
 */
import type { PlatformKey } from "../../../platform/keys.js";
import { checksumSpec } from "./checksum-spec.js";
import { archName, replaced } from "./envs.js";
import { bool, type Info, list, obj, str, stringMap } from "./fields.js";
import { appendExt, archiveOf, isPlainFile, splitExt } from "./formats.js";
import { resolve } from "./platforms.js";
import { renderIn } from "./render-template.js";
import { type AquaPackage, type AquaRendered, AquaUnsupportedError } from "./types.js";

export { aquaPlatforms } from "./platforms.js";

const SIGNATURES = ["cosign", "slsa_provenance", "github_artifact_attestations", "minisign"] as const;
const GITHUB_TYPES = new Set(["github_release", "github_archive", "github_content"]);

function varsOf(name: string, info: Info): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const v of list(name, info, "vars") ?? []) {
    const def = v as Info;
    const key = def && str(name, def, "name");
    if (!key) throw new AquaUnsupportedError(name, "a var without a name");
    if (def.default !== undefined && def.default !== null) out[key] = def.default;
    else if (def.required === true) throw new AquaUnsupportedError(name, `the required var '${key}'`, "devenv gives an aqua entry no vars");
  }
  return out;
}

/** aqua's default command: the last part of `name`, else repo_name (the package name's base otherwise). */
function defaultCommand(name: string, info: Info): string {
  const repo = str(name, info, "repo_owner") && str(name, info, "repo_name");
  const pkgName = str(name, info, "name");
  if (repo && !pkgName) return repo;
  return (pkgName ?? name).slice((pkgName ?? name).lastIndexOf("/") + 1);
}

/** aqua's asset name for an http download: the URL path's last segment, unescaped. */
function lastSegment(name: string, url: string): string {
  try {
    return decodeURIComponent(new URL(url).pathname.split("/").pop() ?? "");
  } catch {
    throw new AquaUnsupportedError(name, `the URL '${url}'`, "it cannot be read as a URL");
  }
}

const safeSrc = (s: string) => s !== "" && !s.startsWith("/") && !s.split("/").includes("..");

/** Evaluate the entry for a release tag (aqua's Version, version_prefix included) and a platform. */
export function renderPackage(pkg: AquaPackage, version: string, platform: PlatformKey): AquaRendered {
  const { name, info, rt } = resolve(pkg, version, platform);
  const type = str(name, info, "type") ?? "";
  if (!["github_release", "http", "github_archive", "github_content"].includes(type)) throw new AquaUnsupportedError(name, `type ${type || "(none)"}`);
  const replacements = stringMap(name, info, "replacements") ?? {};
  const prefix = str(name, info, "version_prefix") ?? "";
  const semver = version.startsWith(prefix) ? version.slice(prefix.length) : version;
  const rawFormat = str(name, info, "format") ?? "";
  const format = type === "github_archive" ? "tar.gz" : rawFormat;
  const vars = varsOf(name, info);
  const data: Record<string, unknown> = {
    Version: version, SemVer: semver, GOOS: rt.goos, GOARCH: rt.goarch,
    OS: replaced(rt.goos, replacements), Arch: archName(rt, bool(name, info, "rosetta2") === true, replacements), Format: format, Vars: vars,
  };
  const owner = str(name, info, "repo_owner");
  const repoName = str(name, info, "repo_name");
  const repo = owner && repoName ? `${owner}/${repoName}` : undefined;
  if (GITHUB_TYPES.has(type) && !repo) throw new AquaUnsupportedError(name, `type ${type} without repo_owner/repo_name`);
  const ext = (s: string) => (bool(name, info, "append_ext") === false ? s : appendExt(s, format));

  let url: string;
  let asset: string | undefined;
  let fileName: string; // what aqua calls the asset: the downloaded file's name
  if (type === "github_release") {
    asset = ext(renderIn(name, "asset", str(name, info, "asset") ?? "", data));
    if (!asset || asset.includes("/")) throw new AquaUnsupportedError(name, `the asset name '${asset}'`);
    url = `https://github.com/${repo}/releases/download/${version}/${asset}`;
    fileName = asset;
  } else if (type === "http") {
    url = ext(renderIn(name, "url", str(name, info, "url") ?? "", data));
    if (!/^https?:\/\/[^/\s]+\/\S*$/.test(url)) throw new AquaUnsupportedError(name, `the URL '${url}'`);
    fileName = lastSegment(name, url);
  } else if (type === "github_content") {
    const path = ext(renderIn(name, "path", str(name, info, "path") ?? "", data));
    if (!safeSrc(path)) throw new AquaUnsupportedError(name, `the content path '${path}'`);
    url = `https://raw.githubusercontent.com/${repo}/${version}/${path}`;
    fileName = path;
    asset = path;
  } else {
    url = `https://github.com/${repo}/archive/refs/tags/${version}.tar.gz`;
    fileName = "";
  }

  const { format: shownFormat, archive } = type === "github_archive" ? { format: "tar.gz", archive: "tar.gz" as const } : archiveOf(name, rawFormat, fileName);
  const plain = type !== "github_archive" && isPlainFile(rawFormat, fileName);
  const { base } = splitExt(fileName);
  const listed = list(name, info, "files") ?? [];
  // aqua: no files (or an empty list) means one command named after the package.
  const files = (listed.length ? listed : [{ name: defaultCommand(name, info) }]).map((f) => {
    const file = f as Info;
    const cmd = file && str(name, file, "name");
    if (!cmd || cmd.includes("/")) throw new AquaUnsupportedError(name, `a file entry named '${cmd ?? ""}'`);
    const srcT = str(name, file, "src");
    const src = archive === "raw" || plain
      ? fileName.slice(fileName.lastIndexOf("/") + 1)
      : srcT ? renderIn(name, "files.src", srcT, { ...data, FileName: cmd, Asset: fileName, AssetWithoutExt: base }) : cmd;
    if (!safeSrc(src)) throw new AquaUnsupportedError(name, `the file path '${src}'`);
    return { name: cmd, src };
  });

  const out: AquaRendered = { package: name, type: type as AquaRendered["type"], version, url, format: shownFormat, archive, files };
  if (repo) out.repo = repo;
  if (asset !== undefined) out.asset = asset;
  const checksum = checksumSpec({ name, info, rt, version, semver, format, vars, ...(repo ? { repo } : {}), asset: fileName, url });
  if (checksum) out.checksum = checksum;
  const signatures: Record<string, unknown> = {};
  for (const k of SIGNATURES) if (info[k] !== undefined && info[k] !== null) signatures[k] = info[k];
  const block = checksum ? obj(name, info, "checksum") : undefined;
  const onDocument: Record<string, unknown> = {};
  for (const k of ["cosign", "minisign", "github_artifact_attestations"]) if (block?.[k] !== undefined && block[k] !== null) onDocument[k] = block[k];
  if (Object.keys(onDocument).length) signatures.checksum = onDocument;
  if (Object.keys(signatures).length) out.signatures = signatures;
  return out;
}

/**
 * An entry's `checksum` block rendered for one version and platform: where the checksum document
 * is, how to read it and which name to look up. aqua's rules: `enabled: false` means none; the
 * block's own replacements are laid over the entry's; a `github_release` document's asset template
 * sees the artifact's asset name, an `http` one's URL template sees the artifact's URL (AssetURL).
 * Pure.
 */
import { archName, type AquaRuntime, replaced } from "./envs.js";
import { bool, type Info, obj, str, stringMap } from "./fields.js";
import { renderIn } from "./render-template.js";
import { type AquaChecksumSpec, AquaUnsupportedError, type ChecksumAlgorithm } from "./types.js";

export interface ChecksumContext {
  name: string;
  info: Info;
  rt: AquaRuntime;
  version: string;
  semver: string;
  /** GetFormat(): the format the templates see. */
  format: string;
  vars: Record<string, unknown>;
  repo?: string;
  /** The artifact's name (github_release: the asset; http: the URL's last path segment). */
  asset: string;
  /** The artifact's URL. */
  url: string;
}

const ALGORITHMS = new Set<ChecksumAlgorithm>(["sha256", "sha512", "sha1", "md5"]);

export function checksumSpec(c: ChecksumContext): AquaChecksumSpec | undefined {
  const block = obj(c.name, c.info, "checksum");
  if (!block || bool(c.name, block, "enabled") === false) return undefined;
  const replacements = { ...stringMap(c.name, c.info, "replacements"), ...stringMap(c.name, block, "replacements") };
  const data: Record<string, unknown> = {
    Version: c.version,
    SemVer: c.semver,
    GOOS: c.rt.goos,
    GOARCH: c.rt.goarch,
    OS: replaced(c.rt.goos, replacements),
    Arch: archName(c.rt, bool(c.name, c.info, "rosetta2") === true, replacements),
    Format: c.format,
  };
  const type = str(c.name, block, "type");
  let url: string;
  let asset: string | undefined;
  if (type === "github_release") {
    if (!c.repo) throw new AquaUnsupportedError(c.name, "a github_release checksum without repo_owner/repo_name");
    asset = renderIn(c.name, "checksum.asset", str(c.name, block, "asset") ?? "", { ...data, Asset: c.asset, Vars: c.vars });
    if (!asset || asset.includes("/")) throw new AquaUnsupportedError(c.name, `the checksum asset name '${asset}'`);
    url = `https://github.com/${c.repo}/releases/download/${c.version}/${asset}`;
  } else if (type === "http") {
    url = renderIn(c.name, "checksum.url", str(c.name, block, "url") ?? "", str(c.name, c.info, "type") === "http" ? { ...data, AssetURL: c.url } : data);
    if (!/^https?:\/\/[^/\s]+\/\S*$/.test(url)) throw new AquaUnsupportedError(c.name, `the checksum URL '${url}'`);
  } else {
    throw new AquaUnsupportedError(c.name, `checksum type '${type ?? "(none)"}'`);
  }
  const algorithm = str(c.name, block, "algorithm") ?? "";
  if (!ALGORITHMS.has(algorithm as ChecksumAlgorithm)) throw new AquaUnsupportedError(c.name, `checksum algorithm '${algorithm || "(none)"}'`);
  const ff = str(c.name, block, "file_format") ?? "";
  const fileFormat = ff === "" ? "default" : ff;
  if (fileFormat !== "raw" && fileFormat !== "regexp" && fileFormat !== "default") throw new AquaUnsupportedError(c.name, `checksum file_format '${ff}'`);
  const spec: AquaChecksumSpec = { url, algorithm: algorithm as ChecksumAlgorithm, fileFormat, lookup: c.asset };
  if (asset !== undefined) spec.asset = asset;
  if (fileFormat === "regexp") {
    const p = obj(c.name, block, "pattern");
    const checksum = p && str(c.name, p, "checksum");
    if (!p || !checksum) throw new AquaUnsupportedError(c.name, "checksum file_format regexp without pattern.checksum");
    const file = str(c.name, p, "file");
    spec.pattern = file ? { checksum, file } : { checksum };
  }
  return spec;
}

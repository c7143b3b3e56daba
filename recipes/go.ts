import { DevenvError } from "../src/errors.js";
import { isSha256 } from "../src/recipes/checksums.js";
import { ALL_PLATFORMS, defineRecipe, splitPlatform, type PlatformKey, type VersionInfo } from "../src/recipes/types.js";

/** Every release, newest first, sha256 inline (e.g. go1.23.4.linux-amd64.tar.gz → 6924efde…5680971). */
const INDEX = "https://go.dev/dl/?mode=json&include=all";
const DL = "https://dl.google.com/go";

interface GoFile { filename: string; os: string; arch: string; version: string; sha256: string; size?: number; kind: string }
interface GoRelease { version: string; stable: boolean; files?: GoFile[] }

const goTarget = (p: PlatformKey) => {
  const { os, arch } = splitPlatform(p);
  return { os, arch: arch === "x64" ? "amd64" : "arm64" };
};

/**
 * Go's own version names → semver, so ranges and prerelease rules work as for other tools:
 * "go1.20" → "1.20.0", "go1.21.0" → "1.21.0", "go1.24rc1" → "1.24.0-rc1", "go1" → "1.0.0".
 * Undefined for names that fit neither form.
 */
export function goSemver(name: string): string | undefined {
  const m = /^(?:go)?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:(alpha|beta|rc)(\d+))?$/.exec(name);
  if (!m) return undefined;
  const [, maj, min = "0", pat = "0", pre, n] = m;
  return `${maj}.${min}.${pat}${pre ? `-${pre}${n}` : ""}`;
}

/**
 * The inverse: the name Go publishes a semver version under. Releases before 1.21 drop a zero
 * patch ("1.20.0" → "1.20"); 1.21 on keep it ("1.21.0"); prereleases sit on the minor ("1.24rc1"),
 * except the few patch-level release candidates, which keep their patch ("1.9.2-rc2" → "1.9.2rc2").
 */
export function goName(version: string): string {
  const m = /^(\d+)\.(\d+)\.(\d+)(?:-(alpha|beta|rc)\.?(\d+))?$/.exec(version);
  if (!m) return version;
  const [, maj, min, pat, pre, n] = m;
  if (pre) return pat === "0" ? `${maj}.${min}${pre}${n}` : `${maj}.${min}.${pat}${pre}${n}`;
  if (pat !== "0") return `${maj}.${min}.${pat}`;
  if (maj === "1" && min === "0") return "1";
  return Number(maj) === 1 && Number(min) < 21 ? `${maj}.${min}` : `${maj}.${min}.0`;
}

export const goTarballName = (version: string, platform: PlatformKey): string => {
  const t = goTarget(platform);
  return `go${goName(version)}.${t.os}-${t.arch}.tar.gz`;
};

/**
 * A release's archive for a platform: the file named as acceptsUrl expects (`go1.9.2rc2.linux-amd64.tar.gz`),
 * so a version is listed and locked only where the lock check will take its URL.
 */
function archiveOf(release: GoRelease, version: string, platform: PlatformKey): GoFile | undefined {
  const t = goTarget(platform);
  const name = goTarballName(version, platform);
  return release.files?.find((f) => f.kind === "archive" && f.os === t.os && f.arch === t.arch && f.filename === name);
}

export default defineRecipe({
  name: "go",
  description: "Go toolchain (official builds from go.dev/dl, sha256 inline in the JSON index)",
  homepage: "https://go.dev",
  revision: 1,
  platforms: ["linux-x64", "linux-arm64", "darwin-x64", "darwin-arm64"],

  async versions({ http }) {
    const index = await http.json<GoRelease[]>(INDEX);
    const out: VersionInfo[] = [];
    for (const r of index) {
      const v = goSemver(r.version);
      // Only what could be installed: the `go1` entry holds nothing but go1.4-bootstrap source tarballs.
      if (!v || !ALL_PLATFORMS.some((p) => archiveOf(r, v, p))) continue;
      // Unstable entries are prereleases: only an exact request picks them, never a range or "latest".
      if (!r.stable && !v.includes("-")) continue;
      out.push({ version: v, platforms: ALL_PLATFORMS.filter((p) => archiveOf(r, v, p) !== undefined) });
    }
    return out;
  },

  async artifact({ http }, version, platform) {
    const index = await http.json<GoRelease[]>(INDEX);
    const t = goTarget(platform);
    const release = index.find((r) => goSemver(r.version) === version);
    const file = release && archiveOf(release, version, platform);
    if (!file) {
      throw new DevenvError("UNSUPPORTED_PLATFORM", `go ${version} has no ${t.os}-${t.arch} archive in the download index`, {
        hint: "Pick another version: 'devenv versions go'.",
      });
    }
    if (!isSha256(file.sha256)) {
      throw new DevenvError("CHECKSUM_MISSING", `go ${version}: the index has no sha256 for ${file.filename}`);
    }
    return {
      url: `${DL}/${file.filename}`,
      sha256: file.sha256,
      checksum: "checksum-file",
      format: "tar.gz",
      strip: 1,
      ...(typeof file.size === "number" && file.size > 0 ? { size: file.size } : {}),
    };
  },

  acceptsUrl(version, platform, url) {
    return url === `${DL}/${goTarballName(version, platform)}`;
  },

  // go/bin/{go,gofmt}; the archive's top directory go/ is dropped.
  bin: () => ["bin"],

  // GOROOT: the install itself. GOTOOLCHAIN=local: never let `go` fetch another toolchain
  // because a go.mod asks for a newer one; the pinned version is the one that runs.
  env: () => [
    { kind: "set", name: "GOROOT", value: ".", relative: true },
    { kind: "set", name: "GOTOOLCHAIN", value: "local" },
    // Modules, builds and `go install` write into the project's state dir, not the store or ~/go.
    { kind: "set", name: "GOPATH", value: "gopath", state: true },
    { kind: "set", name: "GOBIN", value: "gopath/bin", state: true },
    { kind: "prepend", name: "PATH", path: "gopath/bin", state: true },
  ],
});

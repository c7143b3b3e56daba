/**
 * aqua's view of a platform (GOOS/GOARCH, libc) and its rules for which environments an entry or an
 * override applies to: `supported_envs` ("all", "linux", "amd64", "darwin/arm64"), rosetta2, and
 * overrides matched by goos / goarch / envs / variants. Pure.
 */
import type { PlatformKey } from "../../../platform/keys.js";
import { splitPlatform } from "../../../platform/keys.js";

export interface AquaRuntime {
  goos: "linux" | "darwin";
  goarch: "amd64" | "arm64";
  /** aqua's `libc` variant: devenv's Linux platforms are glibc ones; aqua reports none on macOS. */
  libc: "glibc" | "";
}

export function aquaRuntime(platform: PlatformKey): AquaRuntime {
  const { os, arch } = splitPlatform(platform);
  return { goos: os, goarch: arch === "x64" ? "amd64" : "arm64", libc: os === "linux" ? "glibc" : "" };
}

/** Whether a list of envs names this runtime; with rosetta2, darwin/arm64 also accepts the amd64 names. */
export function matchEnvs(envs: readonly string[], rt: AquaRuntime, rosetta2: boolean): boolean {
  const env = `${rt.goos}/${rt.goarch}`;
  if (envs.some((e) => e === "all" || e === rt.goos || e === rt.goarch || e === env)) return true;
  if (rosetta2 && env === "darwin/arm64") return envs.some((e) => e === "amd64" || e === "darwin/amd64");
  return false;
}

/** The variant keys aqua evaluates; an override naming another key never matches (aqua's rule). */
const VARIANT_KEYS = new Set(["libc"]);

/** Whether one `overrides` element applies to this runtime (goos, goarch, envs, then every variant). */
export function overrideMatches(ov: Record<string, unknown>, rt: AquaRuntime): boolean {
  if (ov.goos !== undefined && ov.goos !== "" && ov.goos !== rt.goos) return false;
  if (ov.goarch !== undefined && ov.goarch !== "" && ov.goarch !== rt.goarch) return false;
  if (Array.isArray(ov.envs) && !matchEnvs(ov.envs.map(String), rt, false)) return false;
  if (Array.isArray(ov.variants)) {
    for (const v of ov.variants as Array<Record<string, unknown>>) {
      const key = String(v?.key ?? "");
      if (!VARIANT_KEYS.has(key) || String(v?.value ?? "") !== rt.libc) return false;
    }
  }
  return true;
}

/** aqua's `.Arch`: darwin/arm64 with rosetta2 takes the amd64 name; replacements apply to both. */
export function archName(rt: AquaRuntime, rosetta2: boolean, replacements: Record<string, string>): string {
  const arch = rosetta2 && rt.goos === "darwin" && rt.goarch === "arm64" ? "amd64" : rt.goarch;
  return replaced(arch, replacements);
}

/** A replacement that is absent or empty leaves the name as it is (aqua's rule). */
export const replaced = (key: string, replacements: Record<string, string>): string => replacements[key] || key;

/**
 * An aqua entry for a release tag and a devenv platform after every override (version_overrides,
 * format_overrides, overrides), and whether it has a build there at all (supported_envs with rosetta2,
 * no_asset, error_message). Pure.
 */
import type { PlatformKey } from "../../../platform/keys.js";
import { ALL_PLATFORMS } from "../../../platform/keys.js";
import { aquaRuntime, type AquaRuntime, matchEnvs } from "./envs.js";
import { bool, checkKeys, type Info, PACKAGE_KEYS, str, strings } from "./fields.js";
import { applyRuntimeOverrides } from "./overrides.js";
import { AquaNoAssetError, type AquaPackage, aquaPackageName } from "./types.js";
import { selectVersion } from "./versions.js";

/** The entry for a tag (or, without one, its top level) and a platform, after every override; throws AquaNoAssetError where it has nothing. */
export function resolve(pkg: AquaPackage, version: string | undefined, platform: PlatformKey): { name: string; info: Info; rt: AquaRuntime } {
  const name = aquaPackageName(pkg);
  checkKeys(name, pkg, PACKAGE_KEYS, "");
  const rt = aquaRuntime(platform);
  const info = applyRuntimeOverrides(name, version === undefined ? { ...pkg } : selectVersion(pkg, version), rt);
  const shown = version ?? "(any version)";
  const envs = strings(name, info, "supported_envs");
  if (envs && !matchEnvs(envs, rt, bool(name, info, "rosetta2") === true)) {
    throw new AquaNoAssetError(name, shown, platform, `the registry lists only ${envs.join(", ") || "no platforms"}`);
  }
  if (bool(name, info, "no_asset") === true) throw new AquaNoAssetError(name, shown, platform, "the registry says this version has no release asset (no_asset)");
  const message = str(name, info, "error_message");
  if (message) throw new AquaNoAssetError(name, shown, platform, message);
  return { name, info, rt };
}

/** Which of devenv's platforms the entry has a build for (at `version`, else at its top level). */
export function aquaPlatforms(pkg: AquaPackage, version?: string): PlatformKey[] {
  return ALL_PLATFORMS.filter((p) => {
    try {
      resolve(pkg, version, p);
      return true;
    } catch (e) {
      if (e instanceof AquaNoAssetError) return false;
      throw e;
    }
  });
}

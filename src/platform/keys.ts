/** The platforms devenv locks and installs for: the one list every other module reads. */
export const PLATFORM_KEYS = ["linux-x64", "linux-arm64", "darwin-x64", "darwin-arm64"] as const;

export type PlatformKey = (typeof PLATFORM_KEYS)[number];
export type Os = "linux" | "darwin";
export type Arch = "x64" | "arm64";

export const ALL_PLATFORMS: readonly PlatformKey[] = PLATFORM_KEYS;

export const splitPlatform = (p: PlatformKey): { os: Os; arch: Arch } => {
  const [os, arch] = p.split("-") as [Os, Arch];
  return { os, arch };
};

import type { PlatformKey } from "./keys.js";

/** The platform key of this machine, or undefined if devenv publishes nothing for it. */
export function hostPlatform(): PlatformKey | undefined {
  const os = process.platform === "linux" ? "linux" : process.platform === "darwin" ? "darwin" : undefined;
  const arch = process.arch === "x64" ? "x64" : process.arch === "arm64" ? "arm64" : undefined;
  return os && arch ? (`${os}-${arch}` as PlatformKey) : undefined;
}

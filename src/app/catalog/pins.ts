/**
 * The aqua registry commits this devenv knows, with the sha256 of their registry.yaml: the registry is
 * read only at one of these, so a lock made here re-locks the same on any machine (issue 17). The
 * last one is where new tools are resolved and where `devenv update` moves a tool; older ones stay
 * so locks made with an older devenv keep resolving as they did.
 */
export interface RegistryPin {
  ref: string;
  sha256: string;
  /** The commit's date, for messages. */
  date: string;
}

export const AQUA_REGISTRY = "aquaproj/aqua-registry";

export const AQUA_PINS: readonly RegistryPin[] = [
  // v4.554.0 + 168 commits.
  { ref: "4d86e12d6fd055583d34fa3b9eefc28e7166ae59", sha256: "f136736f2ea599af62a26e71be0b8f396689ecc7c8db6af9220c6ca4b862bb6b", date: "2026-08-22" },
];

export const currentPin = (): RegistryPin => AQUA_PINS[AQUA_PINS.length - 1]!;

export const pinOf = (ref: string): RegistryPin | undefined => AQUA_PINS.find((p) => p.ref === ref);

/** Where registry.yaml is published at a commit (DEVENV_MIRRORS applies, like every request). */
export const registryUrl = (pin: RegistryPin): string => `https://raw.githubusercontent.com/${AQUA_REGISTRY}/${pin.ref}/registry.yaml`;

/**
 * raw.githubusercontent.com serving the real aqua registry snapshot (aquaproj/aqua-registry
 * `registry.yaml`, MIT, test/fixtures/real/aqua-registry/) at its pinned commit, byte for byte, as
 * `https://raw.githubusercontent.com/aquaproj/aqua-registry/<ref>/registry.yaml`. Other refs or
 * paths are 404 (like the real host for an unknown commit), so a client asking for a moving ref
 * (`main`) is caught.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { sha256hex } from "../archives.js";
import { bytes, type Upstream } from "./types.js";

/** The aqua-registry commit the snapshot was taken at (v4.554.0 + 168 commits, 2026-08-22). */
export const AQUA_REGISTRY_REF = "4d86e12d6fd055583d34fa3b9eefc28e7166ae59";
/** sha256 of the snapshot's registry.yaml. */
export const AQUA_REGISTRY_SHA256 = "f136736f2ea599af62a26e71be0b8f396689ecc7c8db6af9220c6ca4b862bb6b";
/** The snapshot on disk (test/fixtures/real/aqua-registry/registry.yaml). */
export const AQUA_REGISTRY_FILE = fileURLToPath(new URL("../../../../test/fixtures/real/aqua-registry/registry.yaml", import.meta.url));
/** Its real URL at the pinned ref. */
export const AQUA_REGISTRY_URL = `https://raw.githubusercontent.com/aquaproj/aqua-registry/${AQUA_REGISTRY_REF}/registry.yaml`;

let cached: Buffer | undefined;
/** The snapshot's bytes (read once per process; checked against AQUA_REGISTRY_SHA256). */
export function aquaRegistryBytes(): Buffer {
  if (!cached) {
    const b = readFileSync(AQUA_REGISTRY_FILE);
    const got = sha256hex(b);
    if (got !== AQUA_REGISTRY_SHA256) throw new Error(`aqua registry snapshot ${AQUA_REGISTRY_FILE} has sha256 ${got}, expected ${AQUA_REGISTRY_SHA256}`);
    cached = b;
  }
  return cached;
}

export interface AquaRegistryUpstreamOptions {
  /** Serve other bytes at the pinned URL (a tampered or hand-made registry); default the snapshot. */
  body?: Buffer | string;
  /** More refs to serve, ref → registry.yaml bytes (e.g. a newer snapshot for `devenv update`). */
  refs?: Record<string, Buffer | string>;
}

export function aquaRegistryUpstream(opts: AquaRegistryUpstreamOptions = {}): Upstream {
  const prefix = "/raw.githubusercontent.com/aquaproj/aqua-registry/";
  return {
    name: "aqua-registry",
    origins: ["https://raw.githubusercontent.com"],
    handle(req) {
      if (!req.path.startsWith(prefix) || !req.path.endsWith("/registry.yaml")) return undefined;
      const ref = req.path.slice(prefix.length, -"/registry.yaml".length);
      if (ref === AQUA_REGISTRY_REF) return bytes(opts.body ?? aquaRegistryBytes(), "text/plain; charset=utf-8");
      const other = opts.refs?.[ref];
      return other === undefined ? undefined : bytes(other, "text/plain; charset=utf-8");
    },
  };
}

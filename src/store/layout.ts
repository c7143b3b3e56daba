import { createHash } from "node:crypto";
import { join } from "node:path";

const NIX32 = "0123456789abcdfghijklmnpqrsvwxyz";

/** Base-32 (Nix alphabet) of bytes, most significant first. */
export function base32(bytes: Uint8Array): string {
  let out = "";
  let bits = 0;
  let acc = 0;
  for (const b of bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += NIX32[(acc >>> (bits - 5)) & 31];
      bits -= 5;
    }
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) out += NIX32[(acc << (5 - bits)) & 31];
  return out;
}

export interface StoreKey {
  name: string;
  version: string;
  platform: string;
  sha256: string;
  recipeRevision: number;
}

/** 32 base-32 chars of sha256(name, version, platform, artifact sha256, recipe revision). */
export function storeHash(k: StoreKey): string {
  const h = createHash("sha256").update(JSON.stringify(["devenv-store-v1", k.name, k.version, k.platform, k.sha256, k.recipeRevision]));
  return base32(h.digest()).slice(0, 32);
}

export const entryName = (k: StoreKey) => `${storeHash(k)}-${k.name}-${k.version}`;
export const entryDir = (store: string, k: StoreKey) => join(store, entryName(k));
export const lockPath = (store: string, k: StoreKey) => join(store, ".locks", `${storeHash(k)}.lock`);
export const RECEIPT = ".devenv-receipt.json";
export const TEMP_PREFIX = ".tmp-";

import { createHash } from "node:crypto";
import { basename, dirname, join, resolve } from "node:path";
import { DevenvError } from "../errors.js";
import { toolNameProblem, versionProblem } from "../lock/names.js";
import { shown } from "../text.js";

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

const BAD_ENTRY_HINT =
  "devenv.lock names a tool or version that cannot be a store entry; restore it from version control (git checkout devenv.lock) or run 'devenv lock'.";

/**
 * `<hash>-<tool>-<version>`, only from a valid tool name and version (names.ts): the name and
 * version come from devenv.lock, which a pull can change.
 */
export function entryName(k: StoreKey): string {
  const bad = toolNameProblem(k.name) ?? versionProblem(k.version);
  if (bad) {
    throw new DevenvError("LOCK_INVALID", `refusing to make a store path for ${shown(k.name)} ${shown(k.version)}: ${bad}`, { hint: BAD_ENTRY_HINT });
  }
  return `${storeHash(k)}-${k.name}-${k.version}`;
}

/** The entry's directory, checked to be a direct child of the store whatever the key holds. */
export function entryDir(store: string, k: StoreKey): string {
  const name = entryName(k);
  const dir = join(store, name);
  const abs = resolve(dir);
  if (dirname(abs) !== resolve(store) || basename(abs) !== name) {
    throw new DevenvError("LOCK_INVALID", `refusing store path ${shown(dir)}: not a directory directly inside the store ${store}`, { hint: BAD_ENTRY_HINT });
  }
  return dir;
}
export const lockPath = (store: string, k: StoreKey) => join(store, ".locks", `${storeHash(k)}.lock`);
export const RECEIPT = ".devenv-receipt.json";
export const TEMP_PREFIX = ".tmp-";

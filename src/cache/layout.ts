/**
 * An OCI image layout (image-spec image-layout.md) as a BlobStore: `devenv bundle` writes one,
 * `install --from-bundle` and an `oci-layout:` cache read one, with no network. A path ending in
 * `.tar` is one tar file (layout-tar.ts reads it, layout-tar-write.ts writes it); anything else a directory (layout-dir.ts). Blob bytes are
 * not verified here: whoever reads a blob verifies it against devenv.lock.
 */
import { openDirLayout } from "./layout-dir.js";
import { openTarLayout } from "./layout-tar.js";
import { createTarLayout } from "./layout-tar-write.js";
import type { BlobStore } from "./types.js";

export function openLayout(path: string, mode: "read" | "write"): Promise<BlobStore> {
  if (path.endsWith(".tar")) return mode === "write" ? createTarLayout(path) : openTarLayout(path);
  return openDirLayout(path, mode);
}

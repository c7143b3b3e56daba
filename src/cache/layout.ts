/**
 * An OCI image layout (image-spec image-layout.md) as a BlobStore: `devenv bundle` writes one,
 * `install --from-bundle` and an `oci-layout:` cache read one, with no network. A path ending in
 * `.tar` is one tar file (layout-tar.ts); anything else a directory (layout-dir.ts). Blob bytes are
 * not verified here: whoever reads a blob verifies it against devenv.lock.
 */
import { openDirLayout } from "./layout-dir.js";
import { createTarLayout, openTarLayout } from "./layout-tar.js";
import type { BlobStore } from "./types.js";

export async function openLayout(path: string, mode: "read" | "write"): Promise<BlobStore> {
  if (path.endsWith(".tar")) return mode === "write" ? serialized(await createTarLayout(path)) : openTarLayout(path);
  return openDirLayout(path, mode);
}

/**
 * One write at a time: a tar is one stream, and a push adds several blobs at once (two blobs'
 * members interleaved made a tar whose headers no reader could follow).
 */
function serialized(store: BlobStore): BlobStore {
  let queue: Promise<unknown> = Promise.resolve();
  const one = <T>(f: () => Promise<T>): Promise<T> => {
    const p = queue.then(f);
    queue = p.catch(() => {});
    return p;
  };
  return {
    ...store,
    putBlob: (hex, size, file) => one(() => store.putBlob(hex, size, file)),
    putManifest: (bytes, mediaType, tag) => one(() => store.putManifest(bytes, mediaType, tag)),
    close: () => one(() => store.close()),
  };
}

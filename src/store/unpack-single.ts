import { singleFileName, type SingleFileFormat } from "../recipes/formats.js";
import { decompressed, codecOf } from "./decompress.js";
import type { TreeWriter } from "./extract-tree.js";
import { entryTarget, unsafeEntry } from "./safe-path.js";

/**
 * A single compressed file (gz, xz, zst, bz2) unpacked to one executable file at the root, named
 * after the download without its extension (formats.ts singleFileName). Every decompressed byte
 * goes through the writer, so the unpacked-size limits bound a bomb as they bound a tar's.
 */
export async function unpackSingle(file: string, format: SingleFileFormat, url: string, archive: string, writer: TreeWriter): Promise<void> {
  const name = singleFileName(url, format);
  if (name === undefined) throw unsafeEntry(archive, url.slice(url.lastIndexOf("/") + 1), "the download's name leaves no file name to unpack it as");
  const rel = entryTarget(archive, name, 0); // strip does not apply: there is no path to strip
  if (rel === null || rel.includes("/")) throw unsafeEntry(archive, name, "not a plain file name");
  const input = await decompressed(file, codecOf(format));
  const out = writer.file(rel, 0o755);
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) out.write(chunk);
  } catch (e) {
    input.destroy();
    try {
      out.close(); // its descriptor; the temp dir goes with the failed install
    } catch {
      /* the first error is the one to tell */
    }
    throw e;
  }
  out.close();
}

import { posix } from "node:path";
import { DevenvError } from "../errors.js";

const unsafe = (archive: string, entry: string, why: string) =>
  new DevenvError("UNSAFE_ARCHIVE", `${archive}: refusing entry '${entry}': ${why}`, {
    hint: "The archive tries to write outside its install directory; it was not installed. Report it to the publisher.",
  });

/**
 * The relative path an archive entry unpacks to after dropping `strip` leading components,
 * or null when stripping leaves nothing. Throws for absolute paths and `..` escapes.
 * Only `/` separates: a backslash in a tar name is part of the file name, as tar itself keeps it
 * (zip names with backslashes are converted by yauzl before they get here).
 */
export function entryTarget(archive: string, raw: string, strip: number): string | null {
  if (raw.startsWith("/") || /^[A-Za-z]:/.test(raw)) throw unsafe(archive, raw, "absolute path");
  const parts = raw.split("/").filter((p) => p !== "" && p !== ".");
  if (parts.includes("..")) throw unsafe(archive, raw, "'..' in path");
  const kept = parts.slice(strip);
  return kept.length ? kept.join("/") : null;
}

/** A symlink at `linkPath` pointing to `target` must resolve inside the root. */
export function checkSymlink(archive: string, linkPath: string, target: string): void {
  if (target.startsWith("/")) throw unsafe(archive, linkPath, `symlink to absolute path '${target}'`);
  const resolved = posix.normalize(posix.join(posix.dirname(linkPath), target));
  if (resolved === ".." || resolved.startsWith("../")) throw unsafe(archive, linkPath, `symlink '${target}' points outside`);
}

export function unsafeEntry(archive: string, entry: string, why: string): DevenvError {
  return unsafe(archive, entry, why);
}

/**
 * The mode a store file or directory gets: the archive's permission bits without setuid, setgid
 * and sticky, and without group/other write (nothing in the store is writable by others).
 */
export const safeMode = (mode: number | undefined, fallback: number) => (mode ?? fallback) & 0o755;

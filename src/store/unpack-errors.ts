/**
 * Errors while unpacking a verified archive, said clearly: what (the tool, the archive, the
 * entry), where, and what to do. The archive matched its checksum, so a structural problem is
 * permanent: none of these hints says "retry".
 */
import { DevenvError } from "../errors.js";
import { EXTENSIONS_TEXT } from "../recipes/formats.js";
import { noSpaceError } from "./space.js";

export interface UnpackWhere {
  /** e.g. "zig 0.13.0" */
  label: string;
  /** The archive's URL (redacted). */
  archive: string;
  /** The store, for disk-space messages. */
  store: string;
}

const PUBLISHED =
  "Nothing was installed. The archive matched its checksum, so this is how it was published: report it to the publisher (with the URL above).";

/** An fs error while writing archive entry `entry` (relative to the install root). */
export function entryFsError(e: unknown, where: UnpackWhere, entry: string): unknown {
  if (e instanceof DevenvError) return e;
  const code = (e as NodeJS.ErrnoException)?.code;
  const at = `${where.label}: ${where.archive}: entry '${entry}'`;
  switch (code) {
    case "ENOSPC":
    case "EDQUOT":
      return noSpaceError(`${at}: unpacking`, where.store, e);
    case "EEXIST":
      return new DevenvError("ARCHIVE", `${at} cannot be unpacked: an earlier entry of another kind (file, directory or link) is already at that path`, { cause: e, hint: PUBLISHED });
    case "EISDIR":
      return new DevenvError("ARCHIVE", `${at} is a file, but an earlier entry made a directory at that path`, { cause: e, hint: PUBLISHED });
    case "ENOTDIR":
      return new DevenvError("ARCHIVE", `${at} is inside a path that an earlier entry made a file, not a directory`, { cause: e, hint: PUBLISHED });
    case "ENAMETOOLONG": {
      const longest = entry.split("/").reduce((a, b) => (Buffer.byteLength(b) > Buffer.byteLength(a) ? b : a), "");
      return new DevenvError("ARCHIVE", `${at}: the name is too long for this filesystem (longest part ${Buffer.byteLength(longest)} bytes, whole path ${Buffer.byteLength(entry)} bytes inside the store)`, {
        cause: e,
        hint: "Nothing was installed. Most filesystems allow 255 bytes per name; if no part is that long, a store under a shorter path (DEVENV_HOME) helps. Otherwise report it to the publisher.",
      });
    }
    default:
      return e;
  }
}

/**
 * A failure of the tar parser or the decompressor on a verified archive (or anything else not
 * yet a DevenvError) as a permanent ARCHIVE error.
 */
export function unpackError(e: unknown, where: UnpackWhere, format: string): unknown {
  if (e instanceof DevenvError) return e;
  const err = e as { tarCode?: string; code?: string; message?: string };
  const msg = String(err?.message ?? e);
  if (err?.code && !err.tarCode && /^E[A-Z]+$/.test(err.code)) {
    const mapped = entryFsError(e, where, "?");
    if (mapped instanceof DevenvError) return mapped;
    return new DevenvError("IO", `${where.label}: unpacking ${where.archive} into the store (${where.store}) failed: ${msg}`, {
      cause: e,
      hint: "Nothing was installed. Check that the store directory is writable (its permissions, a read-only mount) and run the command again.",
    });
  }
  if (err?.tarCode || /^TAR_/.test(err?.code ?? "")) {
    return new DevenvError("ARCHIVE", `${where.label}: ${where.archive} is not a readable tar archive: ${msg.replace(/^TAR_[A-Z_]+: /, "")} (${err.tarCode ?? err.code})`, {
      cause: e,
      hint: `${PUBLISHED} For an inline tool, check that the url in devenv.ts ends in the extension of what it serves (read as ${format}: ${EXTENSIONS_TEXT}).`,
    });
  }
  return new DevenvError("ARCHIVE", `${where.label}: ${where.archive} cannot be unpacked as ${format}: ${msg}`, {
    cause: e,
    hint: `${PUBLISHED} For an inline tool, check that the url in devenv.ts ends in the extension of what it serves (read as ${format}: ${EXTENSIONS_TEXT}).`,
  });
}

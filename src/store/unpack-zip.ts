import { DevenvError } from "../errors.js";
import type { TreeWriter } from "./extract-tree.js";
import type { UnpackWhere } from "./unpack-errors.js";

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const S_IFDIR = 0o040000;

/** Unpack a zip file (already verified) into the writer, with the same safety rules as tar. */
export async function unpackZip(file: string, writer: TreeWriter, where: UnpackWhere): Promise<void> {
  const yauzl = (await import("yauzl")).default;
  const zip = await new Promise<import("yauzl").ZipFile>((resolve, reject) =>
    yauzl.open(file, { lazyEntries: true, decodeStrings: true, validateEntrySizes: true, strictFileNames: false }, (err, z) =>
      err || !z ? reject(zipError(where, err)) : resolve(z),
    ),
  );
  try {
    await new Promise<void>((resolve, reject) => {
      // Errors of the tree writer (unsafe entries, a full disk, clashing names) are DevenvErrors
      // already; anything else comes from reading the zip.
      const fail = (e: unknown) => reject(e instanceof DevenvError ? e : zipError(where, e));
      zip.on("error", fail);
      zip.on("end", () => resolve());
      zip.on("entry", (entry: import("yauzl").Entry) => {
        try {
          const rel = writer.target(entry.fileName);
          const unixMode = (entry.externalFileAttributes >>> 16) & 0xffff;
          const kind = unixMode & S_IFMT;
          if (rel === null) return zip.readEntry();
          if (entry.fileName.endsWith("/") || kind === S_IFDIR) {
            writer.dir(rel, unixMode ? unixMode & 0o7777 : undefined);
            return zip.readEntry();
          }
          zip.openReadStream(entry, (err, stream) => {
            if (err || !stream) return fail(err);
            if (kind === S_IFLNK) {
              const chunks: Buffer[] = [];
              stream.on("data", (c: Buffer) => chunks.push(c));
              stream.on("error", fail);
              stream.on("end", () => {
                try {
                  writer.symlink(rel, Buffer.concat(chunks).toString("utf8"));
                  zip.readEntry();
                } catch (e) {
                  fail(e);
                }
              });
              return;
            }
            let out: ReturnType<TreeWriter["file"]>;
            try {
              out = writer.file(rel, unixMode ? unixMode & 0o7777 : 0o644);
            } catch (e) {
              stream.destroy();
              return fail(e);
            }
            stream.on("data", (c: Buffer) => {
              try {
                out.write(c);
              } catch (e) {
                stream.destroy();
                fail(e);
              }
            });
            stream.on("error", fail);
            stream.on("end", () => {
              try {
                out.close();
                zip.readEntry();
              } catch (e) {
                fail(e);
              }
            });
          });
        } catch (e) {
          fail(e);
        }
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
}

/** yauzl refuses `..` and absolute names itself: report those as unsafe, like tar's. */
function zipError(where: UnpackWhere, e: unknown): DevenvError {
  const msg = (e as Error)?.message ?? String(e);
  if (/^(absolute path|invalid relative path)/.test(msg)) {
    return new DevenvError("UNSAFE_ARCHIVE", `${where.archive}: refusing entry: ${msg}`, {
      hint: "The archive tries to write outside its install directory; it was not installed. Report it to the publisher.",
    });
  }
  return new DevenvError("ARCHIVE", `${where.label}: ${where.archive} is not a valid zip (${msg})`, {
    cause: e,
    hint: "Nothing was installed. The file matched its checksum, so this is how it was published: report it to the publisher, or for an inline tool check that the url in devenv.ts ends in .zip only if it serves a zip.",
  });
}

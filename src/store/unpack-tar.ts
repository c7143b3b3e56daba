import type { Readable } from "node:stream";
import { Parser, type ReadEntry } from "tar";
import type { TreeWriter } from "./extract-tree.js";

/**
 * Parse an (already decompressed) tar stream and hand each entry to the writer.
 * Device files and FIFOs are skipped; pax and GNU long-name headers are handled by the parser.
 * The input pauses while the parser or the writer's lanes have too much queued; the caller runs
 * the writer's `finish` afterwards.
 */
export function unpackTar(input: Readable, writer: TreeWriter): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let failed = false;
    const fail = (e: unknown) => {
      if (failed) return;
      failed = true;
      reject(e);
      // Stop the decompression (a system xz is killed): the rest of the archive is not wanted.
      input.destroy();
    };
    const parser = new Parser({ strict: true, maxDecompressionRatio: Number.POSITIVE_INFINITY } as never);
    parser.on("entry", (entry: ReadEntry) => {
      if (failed) return entry.resume();
      try {
        const rel = writer.target(entry.path);
        if (rel === null) return entry.resume();
        switch (entry.type) {
          case "Directory":
          case "GNUDumpDir":
            writer.dir(rel, entry.mode);
            return entry.resume();
          case "File":
          case "OldFile":
          case "ContiguousFile": {
            const out = writer.file(rel, entry.mode);
            entry.on("data", (c: Buffer) => {
              if (failed) return;
              try {
                out.write(c);
              } catch (e) {
                fail(e);
              }
            });
            entry.on("end", () => {
              if (!failed) {
                try {
                  out.close();
                } catch (e) {
                  fail(e);
                }
              }
            });
            return;
          }
          case "SymbolicLink":
            writer.symlink(rel, entry.linkpath ?? "");
            return entry.resume();
          case "Link":
            writer.hardlink(rel, entry.linkpath ?? "");
            return entry.resume();
          default:
            return entry.resume();
        }
      } catch (e) {
        entry.resume();
        fail(e);
      }
    });
    // In strict mode the parser reports problems as errors carrying a tarCode (unpack-errors.ts
    // words them); a warning of this kind would mean a damaged archive too.
    parser.on("warn", (code: string, message: string) => {
      if (code === "TAR_BAD_ARCHIVE" || code === "TAR_ENTRY_INVALID" || code === "TAR_ABORT") {
        fail(Object.assign(new Error(message), { tarCode: code }));
      }
    });
    parser.on("error", fail);
    parser.on("end", () => {
      if (!failed) resolve();
    });
    input.on("error", fail);
    if (input.errored) return fail(input.errored);
    input.on("close", () => {
      if (!input.readableEnded) fail(input.errored ?? new Error("the download stream closed early"));
    });
    // Paused while either the parser or the writer's lanes are full; resumed when both have room.
    let parserFull = false;
    let writerFull = false;
    const resume = () => {
      if (!parserFull && !writerFull && !failed) input.resume();
    };
    input.on("data", (c: Buffer) => {
      parserFull = !parser.write(c);
      writer.flush();
      if (!writerFull && writer.congested) {
        writerFull = true;
        void writer.whenDrained().then(() => {
          writerFull = false;
          resume();
        });
      }
      if (parserFull || writerFull) input.pause();
    });
    parser.on("drain", () => {
      parserFull = false;
      resume();
    });
    input.on("end", () => parser.end());
  });
}

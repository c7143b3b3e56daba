/**
 * zstd in bounded memory. fzstd decodes everything it is given at once, and a few compressed
 * bytes can stand for a lot: an RLE block is 4 bytes for up to 128 KiB (more with a bigger size
 * field), so one 1 MiB read could become tens of gigabytes before anything reaches the size limit.
 * Here the input is cut at the frame format's own boundaries (RFC 8878: frame header, blocks,
 * checksum, skippable frames) and handed to fzstd one block at a time, and its output is yielded
 * as it comes: a reader that stops (DEVENV_UNPACK_LIMIT, a full disk) stops the decoding.
 */
import { Readable } from "node:stream";

type DecompressCtor = typeof import("fzstd").Decompress;

const ZSTD_MAGIC = 0xfd2fb528;
const SKIPPABLE = 0x184d2a50; // ..0x184d2a5f

/** The decompressed bytes of zstd `input`, produced block by block as they are read. */
export function zstdStream(input: Readable, Decompress: DecompressCtor): Readable {
  return Readable.from(blocks(input, Decompress), { objectMode: false, highWaterMark: 1 << 20 });
}

async function* blocks(input: AsyncIterable<Buffer>, Decompress: DecompressCtor): AsyncGenerator<Buffer> {
  const out: Buffer[] = [];
  const d = new Decompress((c) => {
    if (c.length) out.push(Buffer.from(c.buffer, c.byteOffset, c.byteLength));
  });
  const cut = new Cutter();
  for await (const chunk of input) {
    for (const unit of cut.feed(chunk)) {
      d.push(unit);
      yield* out.splice(0);
    }
  }
  d.push(cut.rest(), true); // fzstd refuses a frame cut short
  yield* out.splice(0);
}

/** Splits a zstd byte stream into units whose decoding yields at most one block each. */
class Cutter {
  private buf: Buffer = Buffer.alloc(0);
  /** What is expected next; `skip`: bytes of a skippable frame still to pass through. */
  private state: "frame" | "block" | "checksum" = "frame";
  private checksum = false;
  private skip = 0;

  *feed(chunk: Buffer): Generator<Buffer> {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    for (;;) {
      if (this.skip > 0) {
        // A skippable frame's content: no output, passed on as it arrives.
        const n = Math.min(this.skip, this.buf.length);
        if (n === 0) return;
        this.skip -= n;
        yield this.take(n);
        continue;
      }
      const n = this.unitLength();
      if (n === undefined || this.buf.length < n) return;
      yield this.take(n);
    }
  }

  rest(): Buffer {
    return this.buf;
  }

  private take(n: number): Buffer {
    const unit = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    return unit;
  }

  /** The length of the next unit, or undefined until enough bytes arrived to know it; moves the state on. */
  private unitLength(): number | undefined {
    const b = this.buf;
    switch (this.state) {
      case "frame": {
        if (b.length < 8) return undefined;
        const magic = b.readUInt32LE(0);
        if ((magic & 0xfffffff0) >>> 0 === SKIPPABLE) {
          this.skip = b.readUInt32LE(4);
          return 8;
        }
        if (magic !== ZSTD_MAGIC) return b.length; // not zstd: fzstd says so
        const fhd = b[4]!;
        const single = (fhd >> 5) & 1;
        const fcs = fhd >> 6;
        const header = 5 + (single ? 0 : 1) + [0, 1, 2, 4][fhd & 3]! + (fcs === 0 ? single : [0, 2, 4, 8][fcs]!);
        if (b.length < header) return undefined;
        this.checksum = ((fhd >> 2) & 1) === 1;
        this.state = "block";
        return header;
      }
      case "block": {
        if (b.length < 3) return undefined;
        const h = b.readUIntLE(0, 3);
        const type = (h >> 1) & 3;
        const size = h >>> 3;
        const n = 3 + (type === 1 ? 1 : type === 3 ? b.length - 3 : size); // 3: reserved, fzstd says so
        if (b.length < n) return undefined; // the state moves on only once the unit is complete
        if (h & 1) this.state = this.checksum ? "checksum" : "frame";
        return n;
      }
      case "checksum":
        if (b.length < 4) return undefined;
        this.state = "frame";
        return 4;
    }
  }
}

/**
 * Where TreeWriter's steps run: in this thread (small archives, zips, single files), or in a worker
 * thread (large tars: file creation, writes and the receipt's per-file sha256 then run beside the
 * tar parsing, on other cores). Steps of one lane run in the order they were pushed.
 */
import { Worker } from "node:worker_threads";
import { TreeOps, type ClosedFile, type OpFailure, type TreeOp } from "./tree-ops.js";
import { KIND, type LaneReply, type LaneRequest } from "./tree-wire.js";

export interface LaneEvents {
  closed(c: ClosedFile): void;
  failed(f: OpFailure): void;
  /** A worker lane wrote a batch: the bytes in flight went down. */
  progress(): void;
}

export interface Lane {
  /** Queue a step. A data step's chunk is written or copied before this returns: the caller may reuse it. */
  push(op: TreeOp): void;
  /** Hand what is queued to the lane (worker lanes batch steps; without `force`, only when it is idle or the batch is big). */
  flush(force: boolean): void;
  /** Bytes pushed and not yet written. */
  readonly pending: number;
  /** Run every step still queued, close what is open and stop; the first failure, if any. */
  end(): Promise<OpFailure | undefined>;
}

/** Runs each step as it is pushed, in this thread. */
export class InThreadLane implements Lane {
  private readonly ops: TreeOps;
  readonly pending = 0;
  constructor(root: string, umask: number, private readonly on: LaneEvents) {
    this.ops = new TreeOps(root, umask);
  }
  push(op: TreeOp): void {
    const had = this.ops.failure;
    this.ops.run(op, this.on.closed);
    if (!had && this.ops.failure) this.on.failed(this.ops.failure);
  }
  flush(): void {}
  end(): Promise<OpFailure | undefined> {
    this.ops.closeAll();
    return Promise.resolve(this.ops.failure);
  }
}

/** A batch goes to the worker at the latest when it holds this many bytes, or this many steps' codes. */
const BATCH_BYTES = 4 << 20;
const MAX_CODES = 6 * 4096;

/**
 * Runs steps in a worker thread (tree-worker.js beside this module, in dist/src/store and in the
 * bundle). Steps are sent in batches whose chunks are copied into one transferred buffer: one copy
 * here, none on the way.
 */
export class WorkerLane implements Lane {
  private readonly worker: Worker;
  private codes: number[] = [];
  private text: string[] = [];
  /** The data steps' bytes (copied in as they come), sent with the batch. */
  private batch: Buffer | undefined;
  private bytes = 0;
  private seq = 0;
  private readonly inFlight = new Map<number, number>();
  private sent = 0;
  private failure: OpFailure | undefined;
  private ended: Promise<OpFailure | undefined> | undefined;
  private onEnded: ((f: OpFailure | undefined) => void) | undefined;
  private exited = false;

  constructor(root: string, umask: number, private readonly on: LaneEvents) {
    this.worker = new Worker(new URL("./tree-worker.js", import.meta.url), { workerData: { root, umask } });
    this.worker.on("message", (m: LaneReply) => this.reply(m));
    // A worker that cannot start or crashed: every step it had is lost, so the unpack fails.
    this.worker.on("error", (e) => this.fail({ rel: "?", code: (e as NodeJS.ErrnoException).code, message: `unpacking thread: ${e.message}` }));
    this.worker.on("exit", () => {
      this.exited = true;
      if (!this.onEnded) this.fail({ rel: "?", code: undefined, message: "unpacking thread exited early" });
      this.onEnded?.(this.failure);
    });
  }

  get pending(): number {
    return this.sent + this.bytes;
  }

  push(op: TreeOp): void {
    const c = this.codes;
    switch (op.k) {
      case "dir":
        c.push(KIND.dir, op.mode ?? -1, 0, 0, op.rel.length, 0);
        this.text.push(op.rel);
        break;
      case "open":
        c.push(KIND.open, op.id, op.mode, op.replace ? 1 : 0, op.rel.length, 0);
        this.text.push(op.rel);
        break;
      case "data": {
        // Copied now, into the batch's buffer: the source may reuse its chunk once this returns.
        const n = op.chunk.length;
        if (!this.batch || this.bytes + n > this.batch.length) {
          if (this.bytes) this.flush(true);
          this.batch = Buffer.allocUnsafeSlow(Math.max(BATCH_BYTES, n));
        }
        this.batch.set(op.chunk, this.bytes);
        this.codes.push(KIND.data, op.id, this.bytes, n, 0, 0);
        this.bytes += n;
        break;
      }
      case "close":
        c.push(KIND.close, op.id, 0, 0, 0, 0);
        break;
      case "link":
        c.push(KIND.link, op.replace ? 1 : 0, 0, 0, op.rel.length, op.target.length);
        this.text.push(op.rel, op.target);
        break;
    }
    if (this.codes.length >= MAX_CODES) this.flush(true);
  }

  flush(force: boolean): void {
    if (!this.codes.length) return;
    // A busy thread gets work in batches (a message wakes it and costs both sides); an idle one at once.
    if (!force && this.sent > 0 && this.bytes < BATCH_BYTES / 2) return;
    const buf = this.bytes ? (this.batch!.buffer as ArrayBuffer) : undefined;
    this.batch = undefined;
    const codes = Int32Array.from(this.codes);
    const seq = ++this.seq;
    this.worker.postMessage({ seq, codes, text: this.text.join(""), buf } satisfies LaneRequest, buf ? [buf, codes.buffer] : [codes.buffer]);
    this.inFlight.set(seq, this.bytes);
    this.sent += this.bytes;
    this.codes = [];
    this.text = [];
    this.bytes = 0;
  }

  end(): Promise<OpFailure | undefined> {
    this.ended ??= new Promise<OpFailure | undefined>((resolve) => {
      if (this.exited) return resolve(this.failure);
      this.flush(true);
      this.onEnded = resolve;
      this.worker.postMessage({ seq: ++this.seq, end: true } satisfies LaneRequest);
    });
    return this.ended;
  }

  private reply(m: LaneReply): void {
    const n = this.inFlight.get(m.seq) ?? 0;
    this.inFlight.delete(m.seq);
    this.sent -= n;
    for (const c of m.closed) this.on.closed(c);
    if (m.failure) this.fail(m.failure);
    if (this.sent === 0 && !this.ended) this.flush(true); // idle now: give it what queued up meanwhile
    if (m.ended) void this.worker.terminate();
    this.on.progress();
  }

  private fail(f: OpFailure): void {
    if (this.failure) return;
    this.failure = f;
    this.on.failed(f);
  }
}

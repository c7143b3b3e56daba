/**
 * Where TreeWriter's steps run: in this thread (small archives, zips, single files), or in a worker
 * thread (large tars: file creation, writes and the receipt's per-file sha256 then run beside the
 * tar parsing, on other cores). Steps of one lane run in the order they were pushed.
 */
import { Worker } from "node:worker_threads";
import { TreeOps, type ClosedFile, type OpFailure, type TreeOp } from "./tree-ops.js";

export interface LaneEvents {
  closed(c: ClosedFile): void;
  failed(f: OpFailure): void;
  /** A worker lane wrote a batch: the bytes in flight went down. */
  progress(): void;
}

export interface Lane {
  /** Queue a step. A data step's chunk must not change afterwards (it may be written later). */
  push(op: TreeOp): void;
  /** Hand what is queued to the lane (worker lanes batch steps). */
  flush(): void;
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

/** A step as sent to a worker: a data step names a range of the batch's one buffer. */
export type WireOp = Exclude<TreeOp, { k: "data" }> | { k: "data"; id: number; off: number; len: number };
export interface LaneRequest {
  seq: number;
  ops: WireOp[];
  buf?: ArrayBuffer | undefined;
  end?: boolean;
}
export interface LaneReply {
  seq: number;
  closed: ClosedFile[];
  failure: OpFailure | undefined;
  ended?: boolean;
}

/** A batch goes to the worker at the latest when it holds this many bytes. */
const BATCH_BYTES = 4 << 20;

/**
 * Runs steps in a worker thread (tree-worker.js beside this module, in dist/src/store and in the
 * bundle). Steps are sent in batches whose chunks are copied into one transferred buffer: one copy
 * here, none on the way.
 */
export class WorkerLane implements Lane {
  private readonly worker: Worker;
  private ops: WireOp[] = [];
  private chunks: Uint8Array[] = [];
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
    if (op.k === "data") {
      this.ops.push({ k: "data", id: op.id, off: this.bytes, len: op.chunk.length });
      this.chunks.push(op.chunk);
      this.bytes += op.chunk.length;
      if (this.bytes >= BATCH_BYTES) this.flush();
    } else this.ops.push(op);
  }

  flush(): void {
    if (!this.ops.length) return;
    let buf: ArrayBuffer | undefined;
    if (this.bytes) {
      const all = new Uint8Array(new ArrayBuffer(this.bytes));
      let off = 0;
      for (const c of this.chunks) {
        all.set(c, off);
        off += c.length;
      }
      buf = all.buffer;
    }
    const seq = ++this.seq;
    this.worker.postMessage({ seq, ops: this.ops, buf } satisfies LaneRequest, buf ? [buf] : []);
    this.inFlight.set(seq, this.bytes);
    this.sent += this.bytes;
    this.ops = [];
    this.chunks = [];
    this.bytes = 0;
  }

  end(): Promise<OpFailure | undefined> {
    this.ended ??= new Promise<OpFailure | undefined>((resolve) => {
      if (this.exited) return resolve(this.failure);
      this.flush();
      this.onEnded = resolve;
      this.worker.postMessage({ seq: ++this.seq, ops: [], end: true } satisfies LaneRequest);
    });
    return this.ended;
  }

  private reply(m: LaneReply): void {
    const n = this.inFlight.get(m.seq) ?? 0;
    this.inFlight.delete(m.seq);
    this.sent -= n;
    for (const c of m.closed) this.on.closed(c);
    if (m.failure) this.fail(m.failure);
    if (m.ended) void this.worker.terminate();
    this.on.progress();
  }

  private fail(f: OpFailure): void {
    if (this.failure) return;
    this.failure = f;
    this.on.failed(f);
  }
}

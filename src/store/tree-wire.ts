/** The messages between a WorkerLane (tree-lane.ts) and its thread (tree-worker.ts). Node built-ins only. */
import type { ClosedFile, OpFailure, TreeOp } from "./tree-ops.js";

/**
 * A batch of steps as sent to a worker: six int32 per step in `codes` (kind, then its numbers and
 * the lengths of its strings), the strings one after the other in `text`, and the data steps'
 * bytes as ranges of `buf`: one object to clone per batch, whatever the number of steps.
 */
export interface LaneRequest {
  seq: number;
  codes?: Int32Array | undefined;
  text?: string;
  buf?: ArrayBuffer | undefined;
  end?: boolean;
}
export interface LaneReply {
  seq: number;
  closed: ClosedFile[];
  failure: OpFailure | undefined;
  ended?: boolean;
}

export const KIND = { dir: 0, open: 1, data: 2, close: 3, link: 4 } as const;
export const WIDTH = 6;

/** The steps of a batch, in order (the worker's side of the encoding). */
export function* decodeBatch(codes: Int32Array, text: string, buf: Uint8Array | undefined): Generator<TreeOp> {
  let at = 0;
  const str = (n: number) => text.slice(at, (at += n));
  for (let i = 0; i < codes.length; i += WIDTH) {
    const [k, a, b, c, n1, n2] = [codes[i]!, codes[i + 1]!, codes[i + 2]!, codes[i + 3]!, codes[i + 4]!, codes[i + 5]!];
    switch (k) {
      case KIND.dir:
        yield { k: "dir", rel: str(n1), mode: a < 0 ? undefined : a };
        break;
      case KIND.open:
        yield { k: "open", id: a, mode: b, replace: c === 1, rel: str(n1) };
        break;
      case KIND.data:
        yield { k: "data", id: a, chunk: buf!.subarray(b, b + c) };
        break;
      case KIND.close:
        yield { k: "close", id: a };
        break;
      case KIND.link: {
        const rel = str(n1);
        yield { k: "link", rel, target: str(n2), replace: a === 1 };
        break;
      }
    }
  }
}


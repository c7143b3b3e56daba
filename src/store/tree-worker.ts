/**
 * A worker thread that runs TreeOps steps for extract-tree.ts: it creates, writes, hashes and closes
 * the files of a large tar while the installing thread parses the archive. A bundle entry of its
 * own (scripts/bundle.ts): Node built-ins only.
 */
import { parentPort, workerData } from "node:worker_threads";
import { TreeOps, type ClosedFile } from "./tree-ops.js";
import { decodeBatch, type LaneReply, type LaneRequest } from "./tree-wire.js";

const { root, umask } = workerData as { root: string; umask: number };
const ops = new TreeOps(root, umask);
const port = parentPort!;

port.on("message", (m: LaneRequest) => {
  if (m.end) {
    ops.closeAll();
    port.postMessage({ seq: m.seq, closed: [], failure: ops.failure, ended: true } satisfies LaneReply);
    return;
  }
  const closed: ClosedFile[] = [];
  const buf = m.buf ? new Uint8Array(m.buf) : undefined;
  for (const op of decodeBatch(m.codes!, m.text ?? "", buf)) ops.run(op, (c) => closed.push(c));
  port.postMessage({ seq: m.seq, closed, failure: ops.failure } satisfies LaneReply);
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { createProgressReporter } from "../../src/cli/progress.js";

function fakeStream(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, stream: { isTTY, columns: 100, write: (s: string) => chunks.push(s) } as unknown as NodeJS.WriteStream };
}

test("non-TTY: one plain line per start and finish, no escape codes", () => {
  const { chunks, stream } = fakeStream(false);
  const r = createProgressReporter(stream);
  const a = r.download("node 20.18.0", 2 * 1024 * 1024);
  a.advance(2 * 1024 * 1024);
  a.done();
  r.download("zig 0.13.0", undefined).fail("HTTP 404 for x");
  const out = chunks.join("");
  assert.match(out, /^downloading node 20\.18\.0 \(2\.0 MB\)\ninstalled node 20\.18\.0 \(2\.0 MB in \d+\.\ds\)\ndownloading zig 0\.13\.0\nfailed zig 0\.13\.0: HTTP 404 for x\n$/);
  assert.doesNotMatch(out, /\x1b/);
});

test("TTY: live bars for several downloads at once with bytes, speed and ETA", async () => {
  const saved = { CI: process.env.CI, TERM: process.env.TERM };
  delete process.env.CI;
  process.env.TERM = "xterm";
  try {
    const { chunks, stream } = fakeStream(true);
    const r = createProgressReporter(stream);
    const a = r.download("node 20.18.0", 10 * 1024 * 1024);
    const b = r.download("zig 0.13.0", 4 * 1024 * 1024);
    a.advance(5 * 1024 * 1024);
    b.advance(1024 * 1024);
    await new Promise((res) => setTimeout(res, 250));
    const frame = chunks.join("");
    assert.match(frame, /node 20\.18\.0\s+█+░+ 5\.0 MB\/10\.0 MB\s+[\d.]+ MB\/s ETA \d+s/);
    assert.match(frame, /zig 0\.13\.0\s+█+░+ 1\.0 MB\/4\.0 MB/);
    a.done();
    b.done();
    assert.match(chunks.join(""), /✓ node 20\.18\.0/);
  } finally {
    if (saved.CI !== undefined) process.env.CI = saved.CI;
    if (saved.TERM !== undefined) process.env.TERM = saved.TERM;
  }
});

/**
 * Issue 18: a writer of an OCI layout killed with SIGKILL mid-way (a blob half copied, index.json
 * being rewritten, a tar half streamed) leaves a layout that reads as before, with everything it
 * finished. The writer is a real child process; the blob comes through a FIFO, so the test knows
 * the copy is under way (its temp file has bytes) when it kills it.
 */
import assert from "node:assert/strict";
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { constants, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { join } from "node:path";
import { text } from "node:stream/consumers";
import { test } from "node:test";
import { openLayout } from "../../src/cache/layout.js";
import { MEDIA } from "../../src/cache/types.js";
import { artifact, artifactManifest, emptyConfig, scratch, sha256 } from "../support/oci-layout-kit.js";
import { waitFor } from "../support/wait.js";

const LAYOUT_JS = new URL("../../src/cache/layout.js", import.meta.url).href;
const TYPES_JS = new URL("../../src/cache/types.js", import.meta.url).href;

const CHILD = `
import { openLayout } from ${JSON.stringify(LAYOUT_JS)};
import { MEDIA } from ${JSON.stringify(TYPES_JS)};
const [what, layout, a, b, c] = process.argv.slice(2);
const store = await openLayout(layout, "write");
if (what === "blob") {
  console.log("writing");
  await store.putBlob(a, Number(b), c);
  console.log("blob done");
} else {
  for (let i = 0; ; i++) {
    const m = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA.manifest, n: i, pad: "x".repeat(200) }));
    await store.putManifest(m, MEDIA.manifest, "t" + i);
    console.log("done " + i);
  }
}
`;

async function before(dir: string, target: string) {
  const w = await openLayout(target, "write");
  const cfg = emptyConfig(dir);
  const art = artifact(dir, "node.tar.gz", "node bytes ".repeat(1000));
  await w.putBlob(cfg.hex, cfg.size, cfg.file);
  await w.putBlob(art.hex, art.size, art.file);
  const manifest = artifactManifest(art);
  await w.putManifest(manifest, MEDIA.manifest, "before");
  await w.close();
  return { art, manifest };
}

function child(dir: string, args: string[]): { proc: ChildProcess; out: () => string } {
  const script = join(dir, "writer.mjs");
  writeFileSync(script, CHILD);
  const proc = spawn(process.execPath, [script, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  proc.stdout!.on("data", (c) => (out += c));
  proc.stderr!.on("data", (c) => (out += c));
  return { proc, out: () => out };
}

async function killHard(proc: ChildProcess) {
  const exited = new Promise((r) => proc.once("exit", r));
  proc.kill("SIGKILL");
  await exited;
}

/** Feed half of `size` bytes into the FIFO the child copies from, and wait until `tempWith(bytes)` shows the copy under way. */
async function halfThrough(fifo: string, size: number, tempHasBytes: () => boolean, out: () => string) {
  // Opened without blocking once the writer has opened its end (a writer that failed first would block it forever).
  const probe = await waitFor("the writer to open the FIFO", () => open(fifo, constants.O_WRONLY | constants.O_NONBLOCK).catch(() => undefined), { detail: out });
  const fh = await open(fifo, "w");
  await probe.close();
  const half = Buffer.alloc(size / 2, 0x61);
  const writing = fh.write(half).catch(() => undefined);
  await waitFor("the writer's temp file to hold bytes", tempHasBytes, { detail: out });
  return async () => {
    await writing;
    await fh.close().catch(() => undefined);
  };
}

test("a directory writer killed while copying a blob: the layout reads as before; the next writer removes the dead temp file", async () => {
  const dir = scratch();
  const layout = join(dir, "bundle");
  const old = await before(dir, layout);
  const fifo = join(dir, "fifo");
  execFileSync("mkfifo", [fifo]);
  const size = 8 << 20;
  const hex = "a".repeat(64);
  const { proc, out } = child(dir, ["blob", layout, hex, String(size), fifo]);
  const blobs = join(layout, "blobs", "sha256");
  const temp = () => readdirSync(blobs).find((n) => n.startsWith(`.${hex}.`));
  const done = await halfThrough(fifo, size, () => {
    const t = temp();
    return t !== undefined && statSync(join(blobs, t)).size > 0;
  }, out);
  await killHard(proc);
  await done();
  assert.doesNotMatch(out(), /blob done/);
  const r = await openLayout(layout, "read");
  assert.equal(await r.hasBlob(hex), false, "no half blob under its name");
  assert.deepEqual((await r.getManifest("before"))?.bytes, old.manifest);
  assert.equal(await text((await r.openBlob(old.art.hex))!.body), old.art.bytes.toString());
  assert.ok(temp(), "the killed writer's temp file is there (hidden)");
  await (await openLayout(layout, "write")).close();
  assert.equal(temp(), undefined, "a new writer removed it");
});

test("a directory writer killed while tagging manifest after manifest: index.json is always whole, with every tag it finished", async () => {
  for (const wanted of [5, 25, 60]) {
    const dir = scratch();
    const layout = join(dir, "bundle");
    const old = await before(dir, layout);
    const { proc, out } = child(dir, ["tags", layout]);
    await waitFor(`${wanted} manifests written`, () => (out().match(/^done /gm)?.length ?? 0) >= wanted, { detail: out });
    await killHard(proc);
    const finished = [...out().matchAll(/^done (\d+)$/gm)].map((m) => Number(m[1]));
    JSON.parse(readFileSync(join(layout, "index.json"), "utf8"));
    const r = await openLayout(layout, "read");
    assert.deepEqual((await r.getManifest("before"))?.bytes, old.manifest);
    for (const i of finished) assert.ok(await r.getManifest(`t${i}`), `t${i} was reported done and is in the layout`);
  }
});

test("a tar writer killed mid-blob: the tar that was there reads as before, nothing half written under its name", async () => {
  const dir = scratch();
  const file = join(dir, "bundle.tar");
  const old = await before(dir, file);
  const oldBytes = readFileSync(file);
  const fifo = join(dir, "fifo");
  execFileSync("mkfifo", [fifo]);
  const size = 8 << 20;
  const { proc, out } = child(dir, ["blob", file, "b".repeat(64), String(size), fifo]);
  const temp = () => readdirSync(dir).find((n) => n.startsWith(".bundle.tar."));
  const done = await halfThrough(fifo, size, () => {
    const t = temp();
    return t !== undefined && statSync(join(dir, t)).size > 4096;
  }, out);
  await killHard(proc);
  await done();
  assert.deepEqual(readFileSync(file), oldBytes);
  const r = await openLayout(file, "read");
  assert.deepEqual((await r.getManifest("before"))?.bytes, old.manifest);
  assert.equal(sha256(await readAll(r, old.art.hex)), old.art.hex);
  await r.close();
  assert.ok(existsSync(join(dir, temp()!)));
});

async function readAll(r: Awaited<ReturnType<typeof openLayout>>, hex: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of (await r.openBlob(hex))!.body) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

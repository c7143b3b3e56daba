/**
 * Per-checkout ports: auto ports differ between two checkouts of one repository even when neither
 * runs, survive a second call, skip a port a process listens on, and that process is named.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, test } from "node:test";
import { servicePaths } from "../../src/services/paths.js";
import { assignPorts, autoPortStart, checkPortFree, portHolder, readPorts, AUTO_PORT_MAX, AUTO_PORT_MIN } from "../../src/services/ports.js";
import { listenInodes } from "../../src/services/port-holder.js";
import { waitFor } from "../support/wait.js";

const base = mkdtempSync(join(tmpdir(), "devenv-ports-"));
const state = join(base, "state");
const children: ChildProcess[] = [];
after(() => {
  for (const c of children) c.kill("SIGKILL");
  rmSync(base, { recursive: true, force: true });
});

/** Two checkouts of one repository: same name, different real paths. */
const checkoutA = servicePaths(state, join(base, "a", "shop"));
const checkoutB = servicePaths(state, join(base, "b", "shop"));

/** A node child listening on 127.0.0.1:`port` (0: any); resolves with its port once it printed it. */
async function listener(port = 0): Promise<{ child: ChildProcess; port: number }> {
  const code = `const s=require("net").createServer();s.listen(${port},"127.0.0.1",()=>console.log("port="+s.address().port));`;
  const child = spawn(process.execPath, ["-e", code], { stdio: ["ignore", "pipe", "inherit"] });
  children.push(child);
  let out = "";
  child.stdout!.on("data", (c: Buffer) => (out += c));
  const m = await waitFor("the listener's port line", () => /port=(\d+)/.exec(out));
  return { child, port: Number(m[1]) };
}

test("two checkouts of one repository get different auto ports, kept across calls and recorded in ports.json", async () => {
  const a = await assignPorts(state, checkoutA, [{ name: "postgres", port: "auto" }, { name: "web", port: "auto" }]);
  const b = await assignPorts(state, checkoutB, [{ name: "postgres", port: "auto" }, { name: "web", port: "auto" }]);
  for (const p of [...Object.values(a), ...Object.values(b)]) assert.ok(p >= AUTO_PORT_MIN && p < AUTO_PORT_MAX, `${p} in range`);
  assert.notEqual(a.postgres, a.web);
  assert.equal(new Set([a.postgres, a.web, b.postgres, b.web]).size, 4, `no port shared: ${JSON.stringify({ a, b })}`);
  assert.deepEqual(readPorts(checkoutA), a);
  assert.deepEqual(await assignPorts(state, checkoutA, [{ name: "postgres", port: "auto" }, { name: "web", port: "auto" }]), a);
  assert.deepEqual(await assignPorts(state, checkoutB, [{ name: "web", port: "auto" }]), { web: b.web });
  assert.deepEqual(readPorts(checkoutB), b, "a name not asked for keeps its port");
});

test("a checkout's auto port starts from a value of its own path: B, asked first elsewhere, does not take A's", async () => {
  const st = join(base, "state-clash");
  const pa = servicePaths(st, join(base, "a", "shop"));
  const pb = servicePaths(st, join(base, "b", "shop"));
  assert.notEqual(autoPortStart(pa, "postgres"), autoPortStart(pb, "postgres"));
  // Make B's first guess A's recorded port: B must move on.
  mkdirSync(pa.dir, { recursive: true });
  writeFileSync(pa.ports, JSON.stringify({ postgres: autoPortStart(pb, "postgres") }));
  const b = await assignPorts(st, pb, [{ name: "postgres", port: "auto" }]);
  assert.notEqual(b.postgres, autoPortStart(pb, "postgres"));
});

test("a fixed port is recorded as is, even over an auto port recorded before", async () => {
  const p = servicePaths(state, join(base, "fixed"));
  await assignPorts(state, p, [{ name: "postgres", port: "auto" }]);
  assert.deepEqual(await assignPorts(state, p, [{ name: "postgres", port: 5432 }]), { postgres: 5432 });
  assert.deepEqual(readPorts(p), { postgres: 5432 });
});

test("auto skips a port a process listens on, and that process is named by pid and command line", async () => {
  const st = join(base, "state-busy");
  // A checkout whose first guess nothing else on this machine holds now (it lies in the ephemeral
  // range, where another test's socket may sit: CI once found 58226 taken).
  let p = servicePaths(st, join(base, "busy"));
  for (let i = 0; (await checkPortFree(autoPortStart(p, "web"))) !== undefined; i++) {
    assert.ok(i < 20, "no checkout with a free first guess");
    p = servicePaths(st, join(base, `busy-${i}`));
  }
  const start = autoPortStart(p, "web");
  const { child, port } = await listener(start);
  assert.equal(port, start);
  const got = await assignPorts(st, p, [{ name: "web", port: "auto" }]);
  assert.notEqual(got.web, start, "the busy port was skipped");
  assert.match(portHolder(start) ?? "", new RegExp(`^pid ${child.pid} \\(.*node.* -e `));
  const why = await checkPortFree(start);
  assert.match(why ?? "", new RegExp(`^port ${start} on 127\\.0\\.0\\.1 is in use by pid ${child.pid} \\(`));
  assert.equal(await checkPortFree(got.web!), undefined);
  // The port it got is kept once the listener is gone, though the first guess is free again.
  child.kill("SIGKILL");
  await waitFor("the listener to exit", () => child.exitCode !== null || child.signalCode !== null);
  await waitFor("the first guess to be free", async () => (await checkPortFree(start)) === undefined);
  assert.deepEqual(await assignPorts(st, p, [{ name: "web", port: "auto" }]), got);
});

test("two auto names of one checkout never share a port: web's first guess is already postgres's", async () => {
  const st = join(base, "state-own");
  const p = servicePaths(st, join(base, "own"));
  mkdirSync(p.dir, { recursive: true });
  writeFileSync(p.ports, JSON.stringify({ postgres: autoPortStart(p, "web") }));
  const got = await assignPorts(st, p, [{ name: "postgres", port: "auto" }, { name: "web", port: "auto" }]);
  assert.equal(got.postgres, autoPortStart(p, "web"), "postgres keeps its recorded port");
  assert.notEqual(got.web, got.postgres);
});

test("portHolder: undefined for a port nobody listens on; listenInodes reads LISTEN rows only", async () => {
  const { child, port } = await listener();
  child.kill("SIGKILL");
  await waitFor("the listener to exit", () => child.exitCode !== null || child.signalCode !== null);
  assert.equal(portHolder(port), undefined);
  const table = [
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
    "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 111 1 0 100 0 0 10 0",
    "   1: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000     0        0 222 1 0 20 4 30 10 -1",
    "   2: 0100007F:1F91 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 333 1 0 100 0 0 10 0",
  ].join("\n");
  assert.deepEqual(listenInodes(table, 8080), ["111"]);
});

test("a malformed ports.json is an error naming the file", () => {
  const p = servicePaths(state, join(base, "broken"));
  mkdirSync(dirname(p.ports), { recursive: true });
  writeFileSync(p.ports, '{ "web": "eighty" }');
  assert.throws(() => readPorts(p), (e: Error & { hint?: string }) => e.message.includes(p.ports) && /not a port/.test(e.message) && /delete it/.test(e.hint ?? ""));
  writeFileSync(p.ports, "{ nope");
  assert.throws(() => readPorts(p), /not JSON/);
  assert.equal(readFileSync(p.ports, "utf8"), "{ nope", "the file is left as it was");
});

test("ensurePorts (every refresh of a project): a recorded port is reused without the lock; a changed fixed port is recorded", async () => {
  const { ensurePorts } = await import("../../src/services/env.js");
  const { normaliseServices } = await import("../../src/config/services.js");
  const root = join(base, "refresh", "shop");
  const paths = servicePaths(state, root, {});
  const svc = (port: number | "auto") => normaliseServices({ processes: { web: { command: "x", port } } }, "devenv.ts");
  await ensurePorts(state, root, svc("auto"), {});
  const first = readPorts(paths).web!;
  assert.ok(first >= AUTO_PORT_MIN && first < AUTO_PORT_MAX);
  // A held port lock would make assignPorts wait (and time out): a refresh with nothing to pick must not take it.
  const lock = join(state, "projects", ".ports.lock");
  mkdirSync(dirname(lock), { recursive: true });
  const { acquireLock } = await import("../../src/platform/filelock.js");
  const held = await acquireLock(lock, { timeoutMs: 1000 });
  try {
    const started = Date.now();
    await ensurePorts(state, root, svc("auto"), {});
    assert.ok(Date.now() - started < 1000, "did not wait for the lock");
  } finally {
    await held.release();
  }
  assert.equal(readPorts(paths).web, first);
  await ensurePorts(state, root, svc(4321), {});
  assert.equal(readPorts(paths).web, 4321);
  // The state dir says which project it is for (gc reads it: D57).
  assert.equal((JSON.parse(readFileSync(join(paths.dir, "..", "project.json"), "utf8")) as { root: string }).root, root);
});

/**
 * pgPing, the pg_isready equivalent, against fake servers on 127.0.0.1 and on a Unix socket that
 * read the StartupMessage and answer as Postgres does: an authentication request, an error with
 * SQLSTATE 57P03 (starting up), an error with another SQLSTATE (no such role), a hang-up, silence.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { errorCode, pgPing, startupMessage } from "../../src/services/pg-wire.js";

type Answer = "auth-ok" | "auth-md5" | "starting" | "bad-role" | "close" | "silent" | "http";

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
const msg = (type: string, body: Buffer) => Buffer.concat([Buffer.from(type), u32(body.length + 4), body]);
const errorResponse = (code: string, text: string) =>
  msg("E", Buffer.concat([Buffer.from(`SFATAL\0VFATAL\0C${code}\0M${text}\0`), Buffer.from([0])]));

interface Seen {
  startup?: { version: number; params: Record<string, string> };
  /** What the client sent after the server's answer (a Terminate is 'X'). */
  after: Buffer;
  closed: boolean;
}

/** A fake Postgres that answers each connection with `answer` and records what the client sent. */
function fakePg(answer: Answer): { server: Server; seen: Seen[] } {
  const seen: Seen[] = [];
  const server = createServer((sock: Socket) => {
    const s: Seen = { after: Buffer.alloc(0), closed: false };
    seen.push(s);
    let buf = Buffer.alloc(0);
    sock.on("error", () => {});
    sock.on("end", () => {
      s.closed = true;
      sock.end();
    });
    sock.on("data", (c: Buffer) => {
      if (s.startup) {
        s.after = Buffer.concat([s.after, c]);
        return;
      }
      buf = Buffer.concat([buf, c]);
      if (buf.length < 4 || buf.length < buf.readInt32BE(0)) return;
      const len = buf.readInt32BE(0);
      const parts = buf.subarray(8, len - 1).toString().split("\0");
      const params: Record<string, string> = {};
      for (let i = 0; i + 1 < parts.length; i += 2) params[parts[i]!] = parts[i + 1]!;
      s.startup = { version: buf.readInt32BE(4), params };
      s.after = buf.subarray(len);
      if (answer === "auth-ok") sock.write(Buffer.concat([msg("R", u32(0)), msg("Z", Buffer.from("I"))]));
      if (answer === "auth-md5") sock.write(msg("R", Buffer.concat([u32(5), Buffer.from("salt")])));
      if (answer === "starting") sock.end(errorResponse("57P03", "the database system is starting up"));
      if (answer === "bad-role") sock.end(errorResponse("28000", 'role "nobody" does not exist'));
      if (answer === "close") sock.destroy();
      if (answer === "http") sock.end("HTTP/1.1 400 Bad Request\r\n\r\n");
      // "silent": never answers
    });
  });
  return { server, seen };
}

const dir = mkdtempSync(join(tmpdir(), "devenv-pgwire-"));
const servers: Server[] = [];
after(() => {
  for (const s of servers) s.close();
  rmSync(dir, { recursive: true, force: true });
});

async function onTcp(answer: Answer) {
  const f = fakePg(answer);
  servers.push(f.server);
  await new Promise<void>((r) => f.server.listen(0, "127.0.0.1", r));
  const port = (f.server.address() as { port: number }).port;
  return { ...f, port, target: { host: "127.0.0.1", port } };
}

async function onSocket(answer: Answer, port: number) {
  const f = fakePg(answer);
  servers.push(f.server);
  const sub = mkdtempSync(join(dir, "s-"));
  await new Promise<void>((r) => f.server.listen(join(sub, `.s.PGSQL.${port}`), r));
  return { ...f, target: { socketDir: sub, port } };
}

const ask = { user: "postgres", database: "app", timeoutMs: 1500 };

/** Wait (bounded) until the fake saw the client close its side. */
async function closedBy(seen: Seen[]): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!seen.every((s) => s.closed)) {
    if (Date.now() > deadline) throw new Error("the client did not close its connection");
    await new Promise((r) => setTimeout(r, 10));
  }
}

test("TCP: an authentication request is ready; AuthenticationOk is answered with Terminate, then the client hangs up", async () => {
  const f = await onTcp("auth-ok");
  assert.equal(await pgPing({ ...f.target, ...ask }), "ready");
  await closedBy(f.seen);
  assert.deepEqual(f.seen[0]!.startup, { version: 196608, params: { user: "postgres", database: "app", application_name: "devenv-ping" } });
  assert.deepEqual([...f.seen[0]!.after], [0x58, 0, 0, 0, 4], "Terminate after AuthenticationOk");
});

test("TCP: a password request is ready; the client hangs up without sending anything (as pg_isready)", async () => {
  const f = await onTcp("auth-md5");
  assert.equal(await pgPing({ ...f.target, ...ask }), "ready");
  await closedBy(f.seen);
  assert.equal(f.seen[0]!.after.length, 0);
});

test("TCP: 57P03 (starting up) is starting; any other error (no such role) is ready", async () => {
  assert.equal(await pgPing({ ...(await onTcp("starting")).target, ...ask }), "starting");
  assert.equal(await pgPing({ ...(await onTcp("bad-role")).target, ...ask }), "ready");
});

test("TCP: a hang-up, a non-Postgres answer, silence (timeout) and a refused port are down", async () => {
  assert.equal(await pgPing({ ...(await onTcp("close")).target, ...ask }), "down");
  assert.equal(await pgPing({ ...(await onTcp("http")).target, ...ask }), "down");
  const silent = await onTcp("silent");
  const t0 = Date.now();
  assert.equal(await pgPing({ ...silent.target, ...ask, timeoutMs: 300 }), "down");
  assert.ok(Date.now() - t0 < 1500, "the timeout bounds the ping");
  // A port nothing listens on: take one, then close it.
  const gone = await onTcp("silent");
  await new Promise((r) => gone.server.close(r));
  assert.equal(await pgPing({ ...gone.target, ...ask }), "down");
});

test("Unix socket <dir>/.s.PGSQL.<port>: ready, starting, other error, silence, and a missing socket", async () => {
  const ready = await onSocket("auth-ok", 5432);
  assert.equal(await pgPing({ ...ready.target, ...ask }), "ready");
  await closedBy(ready.seen);
  assert.deepEqual([...ready.seen[0]!.after], [0x58, 0, 0, 0, 4]);
  assert.equal(await pgPing({ ...(await onSocket("starting", 5433)).target, ...ask }), "starting");
  assert.equal(await pgPing({ ...(await onSocket("bad-role", 5434)).target, ...ask }), "ready");
  assert.equal(await pgPing({ ...(await onSocket("silent", 5435)).target, ...ask, timeoutMs: 300 }), "down");
  assert.equal(await pgPing({ socketDir: join(dir, "nowhere"), port: 5436, ...ask }), "down");
});

test("the wire format: StartupMessage length and version, the SQLSTATE of an ErrorResponse", () => {
  const m = startupMessage("u", "d");
  assert.equal(m.readInt32BE(0), m.length);
  assert.equal(m.readInt32BE(4), 3 << 16);
  assert.equal(m[m.length - 1], 0);
  assert.equal(errorCode(errorResponse("57P03", "x").subarray(5)), "57P03");
  assert.equal(errorCode(Buffer.from("SFATAL\0Mno code\0\0")), undefined);
});

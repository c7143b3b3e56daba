/**
 * A loopback HTTP server that misbehaves on purpose, for the network-bound tests: it accepts and
 * never answers, sends headers and then stalls, trickles bytes, never stops sending, or redirects in circles. Paths not
 * given a behaviour get a 404.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export type Behaviour =
  /** Read the request, never answer. */
  | { kind: "silent" }
  /** Send the status line and headers (content-length `length`), then `prefix` of the body, then nothing. */
  | { kind: "stall"; length: number; prefix?: Buffer }
  /** Send headers, then `bytes` every `everyMs` (never finishing `length`). */
  | { kind: "trickle"; length: number; bytes: number; everyMs: number }
  /** Answer 302 to `to` (absolute, or a path on this server). */
  | { kind: "redirect"; to: string }
  /** Answer 200 with `body` (and any extra `headers`, e.g. a Link header). */
  | { kind: "serve"; body: Buffer | string; headers?: Record<string, string> }
  /** Answer 200 (chunked, no length) and send `chunk` as fast as the client reads, forever. */
  | { kind: "endless"; chunk: Buffer };

export interface HostileServer {
  origin: string;
  /** `127.0.0.1:<port>`: what an error message names. */
  host: string;
  /** Set what a path (exact, or a RegExp on the path) does. */
  on(path: string | RegExp, b: Behaviour): void;
  /** Requests received for paths matching `m`. */
  hits(m: string | RegExp): number;
  /** Every request received: path and headers. */
  readonly log: Array<{ path: string; headers: IncomingMessage["headers"] }>;
  /** Sockets accepted so far (a silent server still accepts). */
  readonly connections: number;
  close(): Promise<void>;
}

export async function startHostile(): Promise<HostileServer> {
  const routes: Array<{ m: string | RegExp; b: Behaviour }> = [];
  const seen: string[] = [];
  const log: HostileServer["log"] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let connections = 0;
  const match = (m: string | RegExp, path: string) => (typeof m === "string" ? m === path : m.test(path));

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? "/").split("?")[0]!;
    seen.push(path);
    log.push({ path, headers: req.headers });
    const b = [...routes].reverse().find((r) => match(r.m, path))?.b;
    if (!b) return void res.writeHead(404, { "content-length": 0 }).end();
    switch (b.kind) {
      case "silent":
        return;
      case "serve":
        return void res.writeHead(200, { ...b.headers, "content-length": Buffer.byteLength(b.body) }).end(b.body);
      case "redirect":
        return void res.writeHead(302, { location: b.to, "content-length": 0 }).end();
      case "stall":
        res.writeHead(200, { "content-length": b.length, "content-type": "application/octet-stream" });
        res.flushHeaders();
        if (b.prefix?.length) res.write(b.prefix);
        return;
      case "endless": {
        res.writeHead(200, { "content-type": "application/json" });
        const pump = () => {
          while (!res.destroyed && res.write(b.chunk));
        };
        res.on("drain", pump);
        pump();
        return;
      }
      case "trickle": {
        res.writeHead(200, { "content-length": b.length, "content-type": "application/octet-stream" });
        res.flushHeaders();
        const t = setInterval(() => {
          if (res.destroyed) {
            clearInterval(t);
            timers.delete(t);
            return;
          }
          res.write(Buffer.alloc(b.bytes, 0x61));
        }, b.everyMs);
        timers.add(t);
        return;
      }
    }
  };

  const server = createServer(handle);
  server.requestTimeout = 0;
  server.on("connection", (s) => {
    connections++;
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    on: (m, b) => void routes.push({ m, b }),
    hits: (m) => seen.filter((p) => match(m, p)).length,
    log,
    get connections() {
      return connections;
    },
    close: () =>
      new Promise<void>((ok) => {
        for (const t of timers) clearInterval(t);
        for (const s of sockets) s.destroy();
        server.close(() => ok());
      }),
  };
}

/**
 * A loopback port where a TCP connect hangs: a child process listens with a backlog of 1 and then
 * blocks its event loop, so it never accepts; two connections fill its accept queue and the kernel
 * drops every further SYN (as a firewall that drops packets does).
 */
export async function startUnconnectable(): Promise<{ port: number; close(): void }> {
  const { spawn } = await import("node:child_process");
  const { connect } = await import("node:net");
  const child = spawn(process.execPath, ["-e", `
    const s = require("net").createServer();
    s.listen({ port: 0, host: "127.0.0.1", backlog: 1 }, () => {
      process.stdout.write(s.address().port + "\\n");
      setTimeout(() => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 120000), 50);
    });`], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<number>((ok, ko) => {
    child.stdout.once("data", (d: Buffer) => ok(Number(String(d).trim())));
    child.once("exit", () => ko(new Error("the unconnectable listener exited")));
  });
  await new Promise((r) => setTimeout(r, 200)); // its loop is blocked now
  const fillers = Array.from({ length: 3 }, () => connect(port, "127.0.0.1").on("error", () => {}));
  await new Promise((r) => setTimeout(r, 200));
  return {
    port,
    close() {
      for (const f of fillers) f.destroy();
      child.kill("SIGKILL");
    },
  };
}

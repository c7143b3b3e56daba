/**
 * A pg_isready equivalent over the v3 protocol, with no client library: send a StartupMessage and
 * read the server's first answer. Any authentication request, or an error other than "the database
 * system is starting up / shutting down" (SQLSTATE 57P03), means the server accepts connections.
 */
import { connect, type Socket } from "node:net";
import { join } from "node:path";

export type PgPing = "ready" | "starting" | "down";

export interface PgPingOptions {
  /** TCP host; without it, the Unix socket `<socketDir>/.s.PGSQL.<port>`. */
  host?: string;
  socketDir?: string;
  port: number;
  user: string;
  database: string;
  timeoutMs: number;
}

const PROTOCOL_3_0 = 196608;
/** cannot_connect_now: starting up, shutting down, in recovery without hot standby. */
const CANNOT_CONNECT_NOW = "57P03";
/** An answer longer than this is not a Postgres startup reply. */
const MAX_REPLY = 64 * 1024;

export function startupMessage(user: string, database: string): Buffer {
  const params = Buffer.from(`user\0${user}\0database\0${database}\0application_name\0devenv-ping\0\0`);
  const head = Buffer.alloc(8);
  head.writeInt32BE(8 + params.length, 0);
  head.writeInt32BE(PROTOCOL_3_0, 4);
  return Buffer.concat([head, params]);
}

const TERMINATE = Buffer.from([0x58, 0, 0, 0, 4]); // 'X', length 4

/** The SQLSTATE ('C' field) of an ErrorResponse body. */
export function errorCode(body: Buffer): string | undefined {
  let i = 0;
  while (i < body.length && body[i] !== 0) {
    const type = String.fromCharCode(body[i]!);
    const end = body.indexOf(0, i + 1);
    if (end < 0) return undefined;
    if (type === "C") return body.toString("utf8", i + 1, end);
    i = end + 1;
  }
  return undefined;
}

export function pgPing(opts: PgPingOptions): Promise<PgPing> {
  return new Promise((resolve) => {
    let done = false;
    let sock: Socket;
    const finish = (r: PgPing, goodbye?: Buffer) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (goodbye && sock.writable) sock.end(goodbye);
      else sock.end();
      // A server that never closes its side must not keep this process alive.
      setTimeout(() => sock.destroy(), 1000).unref();
      resolve(r);
    };
    const timer = setTimeout(() => {
      if (!done) {
        done = true;
        sock.destroy();
        resolve("down");
      }
    }, opts.timeoutMs);
    sock = opts.host !== undefined
      ? connect({ host: opts.host, port: opts.port })
      : connect({ path: join(opts.socketDir ?? "/tmp", `.s.PGSQL.${opts.port}`) });
    let buf = Buffer.alloc(0);
    sock.on("connect", () => sock.write(startupMessage(opts.user, opts.database)));
    sock.on("data", (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length < 5) return;
      const type = String.fromCharCode(buf[0]!);
      const len = buf.readInt32BE(1);
      if (type === "R") {
        // AuthenticationOk (0): the session is open, say goodbye; any other request: just hang up, as pg_isready does.
        if (buf.length < 9) return;
        return finish("ready", buf.readInt32BE(5) === 0 ? TERMINATE : undefined);
      }
      if (type === "v") return finish("ready"); // NegotiateProtocolVersion: a Postgres server that answers
      if (type !== "E" || len < 4 || len > MAX_REPLY) return finish("down"); // not Postgres
      if (buf.length < 1 + len) return;
      const code = errorCode(buf.subarray(5, 1 + len));
      finish(code === CANNOT_CONNECT_NOW ? "starting" : "ready");
    });
    sock.on("error", () => finish("down"));
    sock.on("close", () => finish("down"));
  });
}

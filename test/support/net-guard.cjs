"use strict";
/*
 * Test-only network guard. Load with `node --require /abs/path/net-guard.cjs` (e.g. via NODE_OPTIONS).
 * Every TCP connection (net, http, https/tls, undici/fetch — they all end in net.Socket#connect) to a
 * host that is not loopback (127.0.0.0/8, ::1, localhost) fails immediately with an ENETUNREACH error,
 * before any DNS lookup. Unix-socket / named-pipe connections are allowed. Each blocked attempt is
 * appended as `<pid> <host>:<port>` to the file named by DEVENV_TEST_NET_LOG (if set).
 * Only Node sockets are covered: child processes that are not Node (curl, git, …) are not.
 */
const net = require("node:net");
const fs = require("node:fs");

const MARK = Symbol.for("devenv.test.netGuard");

function isLoopback(host) {
  if (host === undefined || host === null || host === "") return true; // net defaults to localhost
  let h = String(host).toLowerCase();
  if (h.startsWith("[") && h.endsWith("]")) h = h.slice(1, -1);
  if (h === "localhost" || h.endsWith(".localhost")) return true;
  if (net.isIPv4(h)) return h.startsWith("127.");
  if (net.isIPv6(h)) {
    if (h === "::1" || h === "0:0:0:0:0:0:0:1") return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
    return mapped !== null && mapped[1].startsWith("127.");
  }
  return false;
}

/** Extract { path } or { host, port } from any Socket#connect call shape. */
function target(args) {
  let a = args;
  if (Array.isArray(a[0])) a = a[0]; // net.connect() passes pre-normalised args
  const first = a[0];
  if (first !== null && typeof first === "object") {
    if (first.path !== undefined) return { path: first.path };
    return { host: first.host, port: first.port };
  }
  if (typeof first === "string" && !/^\d+$/.test(first)) return { path: first };
  return { host: typeof a[1] === "string" ? a[1] : undefined, port: first };
}

function record(host, port) {
  const file = process.env.DEVENV_TEST_NET_LOG;
  if (!file) return;
  try {
    fs.appendFileSync(file, `${process.pid} ${host}:${port}\n`);
  } catch {
    /* never let logging break the test */
  }
}

if (!net.Socket.prototype[MARK]) {
  const original = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function guardedConnect(...args) {
    const t = target(args);
    if (t.path === undefined && !isLoopback(t.host)) {
      const host = String(t.host);
      const port = t.port === undefined ? "" : String(t.port);
      record(host, port);
      const err = new Error(`devenv test net-guard: blocked connection to ${host}:${port} (tests must not reach the internet)`);
      err.code = "ENETUNREACH";
      err.syscall = "connect";
      err.address = host;
      err.port = t.port;
      err.netGuard = true;
      process.nextTick(() => this.destroy(err));
      return this;
    }
    return original.apply(this, args);
  };
  Object.defineProperty(net.Socket.prototype, MARK, { value: true });
}

module.exports = { isLoopback };

/**
 * Shared helpers for the store integration tests (store*.test.ts): a fake upstream serving
 * archives under https://downloads.example.com (reached through the mirror map), InstallSpec
 * builders, per-test store dirs, store listings, and a spawner for store-worker.js.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { existsSync, lstatSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before } from "node:test";
import { DevenvError } from "../../src/errors.js";
import { createHttp, type Http } from "../../src/platform/http.js";
import { parseMirrors } from "../../src/platform/mirrors.js";
import type { ArchiveFormat, Artifact, InstallTree } from "../../src/recipes/types.js";
import type { InstallSpec } from "../../src/store/install.js";
import { sha256hex } from "../support/archives.js";
import { startFakeUpstream, type FakeUpstream } from "../support/fake-upstream.js";
import { assertNoExternalRequests, installNetGuard, netGuardEnv } from "../support/net-guard.js";
import { lateBound } from "../support/use-fake-upstream.js";

export const HOST = "downloads.example.com";
/** Entry dir name: 32 chars of Nix base-32 (no e, o, t, u), then -name-version. */
export const entryNameRe = (name: string, version: string) =>
  new RegExp(`^[0-9abcdfghijklmnpqrsvwxyz]{32}-${name.replace(/[.]/g, "\\.")}-${version.replace(/[.]/g, "\\.")}$`);

export interface Kit {
  fake: FakeUpstream;
  http: Http;
  /** Serve `body` under a fresh path; returns the public https URL and the fake's path. */
  serve(body: Buffer, ext: string): { url: string; path: string };
  /** A new empty temp base dir `<base>` with the store at `<base>/store` (created lazily by the installer). */
  newStore(): { base: string; store: string };
  close(): Promise<void>;
}

let seq = 0;

/** The file's kit (net guard on), started in before(), closed in after(), which checks nothing left loopback. */
export function useKit(): Kit {
  installNetGuard();
  let kit: Kit | undefined;
  before(async () => {
    kit = await startKit();
  });
  after(async () => {
    await kit?.close();
    assertNoExternalRequests();
  });
  return lateBound(() => kit, "the store kit");
}

export async function startKit(): Promise<Kit> {
  const fake = await startFakeUpstream();
  // Register the host before reading fake.mirrors: the mirror map only lists hosts served so far.
  fake.addFile(`/${HOST}/.keep`, "");
  const http = createHttp({ mirrors: parseMirrors(fake.mirrors), offline: false, backoffMs: 5 });
  assert.equal(http.resolve(`https://${HOST}/x.tar.gz`), `${fake.origin}/${HOST}/x.tar.gz`, "mirror rewriting is set up");
  const bases: string[] = [];
  return {
    fake,
    http,
    serve(body, ext) {
      const path = `/${HOST}/a${++seq}-${process.pid}.${ext}`;
      fake.addFile(path, body);
      return { url: `https://${HOST}${path.slice(HOST.length + 1)}`, path };
    },
    newStore() {
      const base = mkdtempSync(join(tmpdir(), "devenv-store-it-"));
      bases.push(base);
      return { base, store: join(base, "store") };
    },
    async close() {
      await fake.close();
      for (const b of bases) rmSync(b, { recursive: true, force: true });
    },
  };
}

export function makeSpec(
  url: string,
  body: Buffer,
  o: { format: ArchiveFormat; strip?: Artifact["strip"]; bin?: string[]; name?: string; version?: string; sha256?: string },
): InstallSpec {
  return {
    name: o.name ?? "tool",
    version: o.version ?? "1.2.3",
    platform: "linux-x64",
    source: "test",
    recipeRevision: 1,
    artifact: { url, sha256: o.sha256 ?? sha256hex(body), format: o.format, strip: o.strip ?? 0 },
    bin: o.bin,
  };
}

/**
 * A rust-style postInstall step: every file under `<comp>` of a package (paths through `at`) moves
 * to the same relative path at the top of the tree, then `<comp>` goes.
 */
export function liftComponent(tree: InstallTree, at: (rel: string) => string, comp: string): void {
  const walk = (rel: string) => {
    for (const n of tree.list(at(`${comp}/${rel}`))) {
      const sub = rel ? `${rel}/${n}` : n;
      if (tree.list(at(`${comp}/${sub}`)).length) walk(sub);
      else tree.move(at(`${comp}/${sub}`), sub);
    }
  };
  walk("");
  tree.remove(at(comp));
}

export const tempDirs = (store: string) => (existsSync(store) ? readdirSync(store).filter((n) => n.startsWith(".tmp-")) : []);
export const entryDirs = (store: string) => (existsSync(store) ? readdirSync(store).filter((n) => !n.startsWith(".")) : []);
export const lockFiles = (store: string) => (existsSync(join(store, ".locks")) ? readdirSync(join(store, ".locks")) : []);

/**
 * After a failed install: the base dir holds only the store, and the store holds no entry, no
 * temp dir, no stray file and no lock (only the empty `.locks` dir).
 */
export function assertNothingInstalled(base: string, store: string): void {
  assert.deepEqual(readdirSync(base), existsSync(store) ? ["store"] : [], "nothing written next to the store");
  if (!existsSync(store)) return;
  assert.deepEqual(readdirSync(store).filter((n) => n !== ".locks"), [], "store holds no entry or temp dir");
  assert.deepEqual(lockFiles(store), [], "lock released");
}

/** Await a rejection and check it is a DevenvError with `code`; returns it for more checks. */
export async function rejectsWith(p: Promise<unknown>, code: string): Promise<DevenvError> {
  let err: unknown;
  try {
    await p;
  } catch (e) {
    err = e;
  }
  assert.ok(err !== undefined, `expected a ${code} error, but the install succeeded`);
  assert.ok(err instanceof DevenvError, `expected a DevenvError, got ${String(err)}`);
  assert.equal(err.code, code, `code of: ${err.message}`);
  return err;
}

/** Reject if `p` has not settled after `ms` (for code paths that could hang). */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: still pending after ${ms} ms (hung)`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

// ---------------------------------------------------------------- worker processes

export const workerPath = fileURLToPath(new URL("./store-worker.js", import.meta.url));

export interface WorkerJob {
  store: string;
  mirrors: string;
  spec: InstallSpec;
}

export interface WorkerResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The JSON line the worker printed, if any. */
  out: { dir?: string; fresh?: boolean; waited?: boolean; error?: { code: string; message: string; hint?: string } } | undefined;
}

/** A tmpfs mounted over `dir` for the worker alone (its own user and mount namespace). */
export interface WorkerTmpfs {
  dir: string;
  /** tmpfs options, e.g. "size=8m" or "size=64m,nr_inodes=40". */
  options: string;
}

/**
 * Why this machine cannot give a worker a small filesystem of its own (undefined: it can). Uses
 * `unshare -Urm` (an unprivileged user + mount namespace) and mounts a tmpfs there: a real full
 * disk for the full-disk tests, invisible to everything else.
 */
export function tmpfsUnsupported(): string | undefined {
  const r = spawnSync("unshare", ["-Urm", "sh", "-c", 'd=$(mktemp -d) && mount -t tmpfs -o size=1m tmpfs "$d" && umount "$d" && rmdir "$d"'], { encoding: "utf8" });
  return r.status === 0 ? undefined : `no unprivileged tmpfs here (unshare -Urm: ${(r.error?.message ?? r.stderr).trim() || `exit ${r.status}`})`;
}

/** Spawn store-worker.js (async: the fake server lives in this process and must keep serving). */
export function startWorker(job: WorkerJob, o: { tmpfs?: WorkerTmpfs; env?: NodeJS.ProcessEnv } = {}): { child: ChildProcess; done: Promise<WorkerResult> } {
  const node = [process.execPath, workerPath, JSON.stringify(job)];
  const [file, ...args] = o.tmpfs
    ? ["unshare", "-Urm", "sh", "-c", 'mount -t tmpfs -o "$1" tmpfs "$2" && shift 2 && exec "$@"', "sh", o.tmpfs.options, o.tmpfs.dir, ...node]
    : node;
  const child = spawn(file!, args, {
    env: { ...process.env, ...netGuardEnv(), ...o.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<WorkerResult>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => {
      const line = stdout.trim().split("\n").at(-1);
      let out: WorkerResult["out"];
      try {
        out = line ? JSON.parse(line) : undefined;
      } catch {
        out = undefined;
      }
      resolve({ code, signal, stdout, stderr, out });
    });
  });
  return { child, done };
}

// ---------------------------------------------------------------- a server the test holds mid-body

export interface HeldDownload {
  /** https://held.example.com/<n>.<ext>, reached through `mirrors`. */
  url: string;
  mirrors: string;
  http: Http;
  /** Resolves once the first `pauseAt` bytes are written to the socket; the rest waits for release(). */
  paused: Promise<void>;
  release(): void;
  /** Requests served so far. */
  requests: number;
  close(): Promise<void>;
}

/**
 * Serve `body` from a loopback server of its own: optionally without a Content-Length (chunked),
 * and optionally holding the rest of the body after `pauseAt` bytes until the test releases it,
 * so a test can look at the store while the installer has part of a download.
 */
export async function serveHeld(body: Buffer, o: { ext: string; pauseAt?: number; contentLength?: boolean }): Promise<HeldDownload> {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let markPaused!: () => void;
  const paused = new Promise<void>((r) => (markPaused = r));
  const state = { requests: 0 };
  const server = createServer((req, res) => {
    state.requests++;
    res.writeHead(200, { "content-type": "application/octet-stream", ...(o.contentLength === false ? {} : { "content-length": body.length }) });
    if (o.pauseAt === undefined) return void res.end(body);
    res.write(body.subarray(0, o.pauseAt), () => markPaused());
    void released.then(() => {
      if (!res.destroyed) res.end(body.subarray(o.pauseAt));
    });
  });
  const sockets = new Set<import("node:net").Socket>();
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", () => ok()));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const mirrors = `https://held.example.com=${origin}`;
  return {
    url: `https://held.example.com/a${++seq}-${process.pid}.${o.ext}`,
    mirrors,
    http: createHttp({ mirrors: parseMirrors(mirrors), offline: false, backoffMs: 5 }),
    paused,
    release,
    get requests() {
      return state.requests;
    },
    close: () =>
      new Promise<void>((ok) => {
        release();
        for (const s of sockets) s.destroy();
        server.close(() => ok());
      }),
  };
}

/** Every file and dir under `dir` (relative paths) with its size in bytes (0 for dirs). */
export function listTree(dir: string): Array<{ path: string; size: number }> {
  const out: Array<{ path: string; size: number }> = [];
  const walk = (rel: string) => {
    let names: string[];
    try {
      names = readdirSync(rel ? join(dir, rel) : dir);
    } catch {
      return;
    }
    for (const name of names.sort()) {
      const path = rel ? `${rel}/${name}` : name;
      const st = lstatSync(join(dir, path), { throwIfNoEntry: false });
      if (!st) continue;
      out.push({ path, size: st.isFile() ? st.size : 0 });
      if (st.isDirectory()) walk(path);
    }
  };
  walk("");
  return out;
}

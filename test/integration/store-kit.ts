/**
 * Shared helpers for the store integration tests (store*.test.ts): a fake upstream serving
 * archives under https://downloads.example.com (reached through the mirror map), InstallSpec
 * builders, per-test store dirs, store listings, and a spawner for store-worker.js.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DevenvError } from "../../src/errors.js";
import { createHttp, type Http } from "../../src/platform/http.js";
import { parseMirrors } from "../../src/platform/mirrors.js";
import type { ArchiveFormat, Artifact } from "../../src/registry/types.js";
import type { InstallSpec } from "../../src/store/install.js";
import { sha256hex } from "../support/archives.js";
import { startFakeUpstream, type FakeUpstream } from "../support/fake-upstream.js";
import { netGuardEnv } from "../support/net-guard.js";

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

export async function waitFor(what: string, pred: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
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
  out: { dir?: string; fresh?: boolean; waited?: boolean; error?: { code: string; message: string } } | undefined;
}

/** Spawn store-worker.js (async: the fake server lives in this process and must keep serving). */
export function startWorker(job: WorkerJob): { child: ChildProcess; done: Promise<WorkerResult> } {
  const child = spawn(process.execPath, [workerPath, JSON.stringify(job)], {
    env: { ...process.env, ...netGuardEnv() },
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

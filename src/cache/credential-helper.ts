/**
 * Ask a docker credential helper (`docker-credential-<name> get`, the server on stdin, JSON
 * {ServerURL, Username, Secret} on stdout) for one server's credentials. Bounded: a helper that
 * hangs (a keychain waiting for a click) is killed, with its children, after `timeoutMs`. Its
 * output may hold secrets, so no message quotes it: only the helper's name and exit status.
 */
import { spawn } from "node:child_process";
import { CacheError } from "./errors.js";
import type { RegistryCredential } from "./types.js";

/** More than any helper's answer; beyond it the answer is refused, not buffered. */
const MAX_OUTPUT = 1 << 20;
export const HELPER_TIMEOUT_MS = 10_000;

export interface HelperRequest {
  helper: string;
  serverUrl: string;
  /** The config file that names the helper, for messages. */
  file: string;
  env: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

export async function askHelper(req: HelperRequest): Promise<RegistryCredential | undefined> {
  const program = `docker-credential-${req.helper}`;
  const fail = (why: string, hint: string) => new CacheError("unauthorized", `the credential helper ${program} (named in ${req.file}) ${why}`, { hint });
  const { out, err, status, signal, timedOut, spawnError } = await run(program, req);
  if (spawnError) {
    const missing = spawnError.code === "ENOENT";
    throw fail(missing ? "is not on PATH" : `could not be started (${spawnError.code ?? "error"})`,
      missing
        ? `Install ${program} (or put it on PATH), or remove it from "credHelpers"/"credsStore" in ${req.file}.`
        : `Check that ${program} is an executable program, or remove it from ${req.file}.`);
  }
  if (timedOut) throw fail(`did not answer within ${Math.round((req.timeoutMs ?? HELPER_TIMEOUT_MS) / 1000)} s and was stopped`, `Run \`echo ${req.serverUrl} | ${program} get\` yourself to see what it waits for (a locked keychain, a prompt).`);
  if (out === undefined) throw fail(`wrote more than ${MAX_OUTPUT} bytes`, `Run \`echo ${req.serverUrl} | ${program} get\` yourself to see what it prints.`);
  const text = out.toString("utf8");
  if (status !== 0) {
    // The protocol's "no credentials for this server" (docker-credential-helpers prints it on exit 1; some helpers on stderr).
    if (/credentials not found/i.test(`${text}\n${err.toString("utf8")}`)) return undefined;
    throw fail(signal ? `was killed by ${signal}` : `failed (exit status ${status})`, `Run \`echo ${req.serverUrl} | ${program} get\` yourself to see why (its output is not shown here: it may hold a secret).`);
  }
  let answer: unknown;
  try {
    answer = JSON.parse(text);
  } catch {
    answer = undefined;
  }
  const a = answer as { Username?: unknown; Secret?: unknown } | undefined;
  if (typeof a !== "object" || a === null || typeof a.Username !== "string" || typeof a.Secret !== "string") {
    throw fail("answered something other than {\"ServerURL\", \"Username\", \"Secret\"} JSON", `Run \`echo ${req.serverUrl} | ${program} get\` yourself to see what it prints.`);
  }
  if (a.Secret === "") return undefined;
  // "<token>" is the protocol's user name for an identity (refresh) token.
  if (a.Username === "<token>") return { kind: "identity", token: a.Secret };
  return { kind: "basic", username: a.Username, password: a.Secret };
}

interface RunResult {
  out: Buffer | undefined;
  err: Buffer;
  status: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  spawnError: NodeJS.ErrnoException | undefined;
}

function run(program: string, req: HelperRequest): Promise<RunResult> {
  return new Promise((resolve) => {
    // Its own process group, so that a timeout stops what it started too (a shell script's children).
    const child = spawn(program, ["get"], { env: req.env, stdio: ["pipe", "pipe", "pipe"], detached: true });
    const chunks: Buffer[] = [];
    const errChunks: Buffer[] = [];
    let size = 0;
    let errSize = 0;
    let tooBig = false;
    let timedOut = false;
    let settled = false;
    const killGroup = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
      } catch {
        /* already gone */
      }
    };
    const finish = (r: Omit<RunResult, "out" | "err" | "timedOut">) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.stdout?.destroy();
      child.stderr?.destroy();
      resolve({ ...r, out: tooBig ? undefined : Buffer.concat(chunks, size), err: Buffer.concat(errChunks), timedOut });
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
      // Do not wait for pipes a grandchild may still hold open.
      finish({ status: null, signal: "SIGKILL", spawnError: undefined });
    }, req.timeoutMs ?? HELPER_TIMEOUT_MS);
    const collect = (c: Buffer) => {
      if (tooBig) return;
      size += c.length;
      if (size > MAX_OUTPUT) {
        tooBig = true;
        killGroup();
      } else chunks.push(c);
    };
    child.stdout.on("data", collect);
    // stderr is kept (its first 64 KiB) only to find the "not found" message some helpers print there.
    child.stderr.on("data", (c: Buffer) => {
      if (errSize < 65536) errChunks.push(c.subarray(0, 65536 - errSize));
      errSize += c.length;
    });
    child.on("error", (e: NodeJS.ErrnoException) => finish({ status: null, signal: null, spawnError: e }));
    child.on("close", (status, signal) => finish({ status, signal, spawnError: undefined }));
    child.stdin.on("error", () => {
      /* a helper that exits without reading its input */
    });
    child.stdin.end(`${req.serverUrl}\n`);
  });
}

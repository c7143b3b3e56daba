/**
 * The real CNCF distribution registry (Debian's `docker-registry`) for a test: its own config and
 * storage in a temp dir, a free loopback port, plain HTTP or htpasswd basic auth over TLS with a
 * self-signed certificate for 127.0.0.1 (made by `openssl`). Its access log (one line per request) is
 * parsed so a test can list the requests it served.
 *
 * TLS: the certificate is its own CA; `caFile` goes into NODE_EXTRA_CA_CERTS of a child process
 * (Node reads it only at start-up, so TLS assertions run in a child: test/registry/tls-child.ts).
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import { waitFor } from "./wait.js";

export interface ServedRequest {
  method: string;
  /** Path and query as the client sent them. */
  path: string;
  status: number;
}

export interface RegistryOptions {
  /** htpasswd basic auth over TLS (self-signed certificate for 127.0.0.1). */
  tls?: { user: string; password: string };
  /** `http.relativeurls`: Location headers without scheme and host. */
  relativeUrls?: boolean;
  /** The repository in `url` (default team/devenv). */
  repository?: string;
}

export interface RegistryServer {
  /** oci+http://127.0.0.1:PORT/team/devenv, or oci://… with TLS. */
  url: string;
  /** http(s)://127.0.0.1:PORT */
  origin: string;
  /** 127.0.0.1:PORT */
  host: string;
  port: number;
  repository: string;
  /** The registry's storage root (rootdirectory). */
  storage: string;
  /** With TLS: the certificate to trust (NODE_EXTRA_CA_CERTS). */
  caFile: string | undefined;
  /** Where the registry keeps the bytes of a blob (to tamper with). */
  blobPath(sha256: string): string;
  /** Requests served so far (from the access log). */
  requests(): ServedRequest[];
  /** Kill the registry and wait for it to exit; the temp dir is removed. */
  stop(): Promise<void>;
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

function config(dir: string, port: number, o: RegistryOptions): string {
  const lines = [
    "version: 0.1",
    "log:",
    "  level: error",
    "  accesslog:",
    "    disabled: false",
    "storage:",
    "  filesystem:",
    `    rootdirectory: ${join(dir, "storage")}`,
    "  delete:",
    "    enabled: true",
    "  maintenance:",
    "    uploadpurging:",
    "      enabled: false",
    "http:",
    `  addr: 127.0.0.1:${port}`,
    "  secret: devenv-test-secret",
    ...(o.relativeUrls ? ["  relativeurls: true"] : []),
    ...(o.tls ? ["  tls:", `    certificate: ${join(dir, "cert.pem")}`, `    key: ${join(dir, "key.pem")}`] : []),
    ...(o.tls ? ["auth:", "  htpasswd:", "    realm: devenv-test", `    path: ${join(dir, "htpasswd")}`] : []),
  ];
  return `${lines.join("\n")}\n`;
}

function makeTls(dir: string, user: string, password: string): void {
  execFileSync("openssl", [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
    "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"), "-days", "2",
    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
  ], { stdio: "pipe" });
  writeFileSync(join(dir, "htpasswd"), execFileSync("htpasswd", ["-Bbn", user, password], { stdio: "pipe" }));
}

/** The status of GET /v2/ (200, or 401 with auth), or undefined while nothing answers. */
function probe(origin: string, ca: Buffer | undefined): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = (ca ? httpsRequest : httpRequest)(`${origin}/v2/`, { method: "GET", ...(ca ? { ca } : {}), timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on("error", () => resolve(undefined));
    req.on("timeout", () => req.destroy());
    req.end();
  });
}

const LINE = /"([A-Z]+) (\S+) HTTP\/[\d.]+" (\d{3}) /;

export async function startRegistry(o: RegistryOptions = {}): Promise<RegistryServer> {
  const dir = mkdtempSync(join(tmpdir(), "devenv-registry-"));
  if (o.tls) makeTls(dir, o.tls.user, o.tls.password);
  const ca = o.tls ? readFileSync(join(dir, "cert.pem")) : undefined;
  const repository = o.repository ?? "team/devenv";
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    writeFileSync(join(dir, "config.yml"), config(dir, port, o));
    const child = spawn("docker-registry", ["serve", join(dir, "config.yml")], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    let exited = false;
    child.stdout!.on("data", (d: Buffer) => { out += d.toString(); });
    child.stderr!.on("data", (d: Buffer) => { err += d.toString(); });
    const exit = new Promise<void>((resolve) => child.once("exit", () => { exited = true; resolve(); }));
    child.once("error", (e) => {
      exited = true;
      err += `${e.message}: is docker-registry installed? (Debian: apt-get install docker-registry)`;
    });
    // The registry dies with the test process, even one that ends without calling stop().
    const orphan = () => child.kill("SIGKILL");
    process.once("exit", orphan);
    void exit.then(() => process.off("exit", orphan));
    const origin = `${o.tls ? "https" : "http"}://127.0.0.1:${port}`;
    const up = await waitFor(`the registry on ${origin} to answer /v2/`, async () => (exited ? "exited" : await probe(origin, ca)), {
      timeoutMs: 15_000, everyMs: 50, detail: () => `stderr: ${err}\nstdout: ${out}`,
    });
    if (up === "exited") {
      if (/address already in use/.test(err) && attempt < 5) continue;
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`docker-registry exited at start:\n${err}`);
    }
    return server(child, exit, () => out, { dir, port, origin, repository, tls: !!o.tls });
  }
}

function server(child: ChildProcess, exit: Promise<void>, log: () => string, s: { dir: string; port: number; origin: string; repository: string; tls: boolean }): RegistryServer {
  const storage = join(s.dir, "storage");
  return {
    url: `${s.tls ? "oci" : "oci+http"}://127.0.0.1:${s.port}/${s.repository}`,
    origin: s.origin,
    host: `127.0.0.1:${s.port}`,
    port: s.port,
    repository: s.repository,
    storage,
    caFile: s.tls ? join(s.dir, "cert.pem") : undefined,
    blobPath: (sha256) => join(storage, "docker/registry/v2/blobs/sha256", sha256.slice(0, 2), sha256, "data"),
    requests: () => log().split("\n").flatMap((l) => {
      const m = LINE.exec(l);
      return m ? [{ method: m[1]!, path: m[2]!, status: Number(m[3]) }] : [];
    }),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const t = setTimeout(() => child.kill("SIGKILL"), 5000);
        await exit;
        clearTimeout(t);
      }
      rmSync(s.dir, { recursive: true, force: true });
    },
  };
}

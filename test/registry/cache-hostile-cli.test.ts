/**
 * Issue 18, attacks on pull: a cache is someone else's server. Whatever it does — never answers,
 * answers 500, redirects to plain http or a file: URL, sends bytes without end, sends other bytes
 * of the right length, or asks for credentials at a realm of its choosing — an install succeeds
 * from upstream, says so in one line (loudly for wrong bytes), and stays within its bounds.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { assertOk as ok, sandbox, type Sandbox } from "../helpers/cli.js";
import { useFakeUpstream } from "../support/use-fake-upstream.js";

const fake = useFakeUpstream({ zig: ["0.13.0"], node: ["20.18.0"] });
const CONFIG = `export default { tools: { zig: "0.13" } };\n`;
const ZIG = /\/zig-[a-z0-9_-]+-0\.13\.0\.tar\.xz$/;

const servers: Server[] = [];
const sockets = new Set<Socket>();
after(async () => {
  for (const s of sockets) s.destroy();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

/** A "registry" on loopback answering every request with `handle`; returns its oci+http:// URL and what it was asked. */
async function hostile(handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; asked: string[] }> {
  const asked: string[] = [];
  const server = createServer((req, res) => {
    asked.push(`${req.method} ${req.url} ${req.headers.authorization ?? ""}`);
    handle(req, res);
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `oci+http://127.0.0.1:${(server.address() as AddressInfo).port}/team/devenv`, asked };
}

let locked: Sandbox | undefined;
/** A project with zig locked (no cache), shared by every attack. */
async function project(): Promise<Sandbox> {
  if (locked) return locked;
  const sb = sandbox(fake.mirrors, { DEVENV_CACHE: "off" });
  await sb.writeConfig(CONFIG);
  ok(await sb.run(["lock"]));
  locked = sb;
  return sb;
}

async function installAgainst(cacheUrl: string, env: NodeJS.ProcessEnv = {}) {
  const p = await project();
  const sb = sandbox(fake.mirrors, { DEVENV_CACHE: cacheUrl, ...env });
  await sb.writeConfig(CONFIG, p.project);
  fake.reset();
  const r = await sb.run(["install", "--frozen"], { cwd: p.project, timeoutMs: 60_000 });
  ok(r);
  assert.equal(fake.log.filter((x) => ZIG.test(x.url)).length, 1, "zig came from upstream");
  const zig = await sb.run(["exec", "--", "zig", "version"], { cwd: p.project });
  ok(zig);
  return r;
}

const cacheLines = (stderr: string) => stderr.split("\n").filter((l) => l.includes("cache"));

test("a registry that accepts and never answers: upstream after the cache's own short bound, one line", { timeout: 90_000 }, async () => {
  const { url } = await hostile(() => {
    /* never answers */
  });
  const r = await installAgainst(url, { DEVENV_HTTP_FIRST_BYTE_TIMEOUT: "1" });
  assert.deepEqual(cacheLines(r.stderr).length, 1, r.stderr);
  assert.match(cacheLines(r.stderr)[0]!, /^warning: the cache oci\+http:\/\/127\.0\.0\.1:\d+\/team\/devenv .*(answer|respon|time).*; not used in this run, downloading from the upstreams$/i);
});

test("a dead cache is asked once per run, not once per tool: installs in parallel wait for the first answer, one line", { timeout: 90_000 }, async () => {
  const { url, asked } = await hostile(() => {
    /* never answers */
  });
  const sb = sandbox(fake.mirrors, { DEVENV_CACHE: url, DEVENV_HTTP_FIRST_BYTE_TIMEOUT: "1" });
  await sb.writeConfig(`export default { tools: { zig: "0.13", node: "20" } };\n`);
  const r = await sb.run(["install"], { timeoutMs: 60_000 });
  ok(r);
  assert.equal(cacheLines(r.stderr).length, 1, r.stderr);
  assert.equal(asked.length, 1, `asked once:\n${asked.join("\n")}`);
});

test("500s, a redirect to plain http from https or to file:, a redirect loop: upstream, one line each", { timeout: 120_000 }, async () => {
  const cases: Array<[string, (req: IncomingMessage, res: ServerResponse) => void]> = [
    ["500", (_req, res) => res.writeHead(500).end("boom")],
    ["file:", (_req, res) => res.writeHead(307, { location: "file:///etc/passwd" }).end()],
    ["loop", (req, res) => res.writeHead(307, { location: req.url! }).end()],
  ];
  for (const [what, handle] of cases) {
    const { url } = await hostile(handle);
    const r = await installAgainst(url);
    assert.equal(cacheLines(r.stderr).length, 1, `${what}:\n${r.stderr}`);
  }
});

test("bytes without end, or other bytes of the right length: refused, the upstream copy installed", { timeout: 120_000 }, async () => {
  const p = await project();
  const lock = JSON.parse(readFileSync(join(p.project, "devenv.lock"), "utf8"));
  const art = lock.tools.zig.platforms["linux-x64"] as { sha256: string; size?: number; url: string };
  const good = (await fake.get(`/${art.url.slice("https://".length)}`))!;
  assert.equal(createHash("sha256").update(good).digest("hex"), art.sha256);

  const endless = await hostile((req, res) => {
    if (req.method === "HEAD") return void res.writeHead(200).end();
    res.writeHead(200, { "content-type": "application/octet-stream" });
    const chunk = Buffer.alloc(64 * 1024, 7);
    const pump = () => {
      while (res.write(chunk)) {
        /* until back-pressure */
      }
    };
    res.on("drain", pump);
    pump();
  });
  const r1 = await installAgainst(endless.url, { DEVENV_MIN_FREE: "0" });
  assert.match(r1.stderr, /zig 0\.13\.0: (REFUSED|the cache .* broke off)/, r1.stderr);

  const evil = Buffer.from(good);
  evil[0] = evil[0]! ^ 1;
  const liar = await hostile((req, res) => {
    res.writeHead(200, { "content-length": String(evil.length), "docker-content-digest": `sha256:${art.sha256}` });
    res.end(req.method === "HEAD" ? undefined : evil);
  });
  const r2 = await installAgainst(liar.url);
  assert.match(r2.stderr, /zig 0\.13\.0: REFUSED the copy from the cache oci\+http:\/\/127\.0\.0\.1:\d+\/team\/devenv: checksum mismatch/);
});

test("a registry (and its token realm) refusing every credential: upstream, one line, the token never printed", { timeout: 90_000 }, async () => {
  const realm = await hostile((_req, res) => res.writeHead(401).end());
  const reg = await hostile((_req, res) => res.writeHead(401, { "www-authenticate": `Bearer realm="${realm.url.replace("oci+http", "http")}/token",service="x",scope="repository:team/devenv:pull"` }).end());
  const r = await installAgainst(reg.url, { DEVENV_CACHE_TOKEN: "tok-secret-1234" });
  assert.equal(cacheLines(r.stderr).length, 1, r.stderr);
  assert.ok(!r.stderr.includes("tok-secret-1234") && !r.stdout.includes("tok-secret-1234"), "the token is never printed");
});

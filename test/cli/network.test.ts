import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { connect } from "node:net";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { startFakeUpstream, type FakeUpstream } from "../support/fake-upstream.js";
import { assertNoExternalRequests, installNetGuard } from "../support/net-guard.js";
import { sandbox } from "../helpers/cli.js";

installNetGuard();
let fake: FakeUpstream;
let proxy: Server;
let proxied: string[] = [];
let proxyUrl = "";

/** A minimal CONNECT proxy on loopback (what undici's proxy agent speaks) that records the tunnels it opens. */
before(async () => {
  fake = await startFakeUpstream({ zig: ["0.13.0"], cmake: ["3.31.5"] });
  proxy = createServer((_req, res) => res.writeHead(405).end());
  proxy.on("connect", (req, client, head) => {
    proxied.push(req.url ?? "");
    const [host, port] = (req.url ?? "").split(":");
    const up = connect(Number(port), host, () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      up.write(head);
      up.pipe(client);
      client.pipe(up);
    });
    up.on("error", () => client.destroy());
    client.on("error", () => up.destroy());
  });
  await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
  const addr = proxy.address();
  proxyUrl = typeof addr === "object" && addr ? `http://127.0.0.1:${addr.port}` : "";
});
after(async () => {
  await fake.close();
  proxy.close();
  assertNoExternalRequests();
});

test("HTTP(S)_PROXY is honoured for index, API and download requests; NO_PROXY bypasses it", async () => {
  const sb = sandbox(fake.mirrors, { HTTP_PROXY: proxyUrl, HTTPS_PROXY: proxyUrl, NO_PROXY: "" });
  mkdirSync(sb.project, { recursive: true });
  await sb.writeConfig(`export default { tools: { zig: "0.13" } };\n`);
  proxied = [];
  const r = await sb.run(["install"]);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(proxied.length > 0 && proxied.every((u) => u === `127.0.0.1:${fake.port}`), proxied.join("\n"));
  assert.ok(fake.count("/zig-linux-x86_64-0.13.0.tar.xz") > 0, "the download went through the tunnel");
  proxied = [];
  const direct = sandbox(fake.mirrors, { HTTP_PROXY: proxyUrl, NO_PROXY: "127.0.0.1" });
  mkdirSync(direct.project, { recursive: true });
  await direct.writeConfig(`export default { tools: { zig: "0.13" } };\n`);
  assert.equal((await direct.run(["install"])).code, 0);
  assert.deepEqual(proxied, []);
});

test("GITHUB_TOKEN goes to the GitHub API only", async () => {
  const sb = sandbox(fake.mirrors, { GITHUB_TOKEN: "ghp_test123" });
  mkdirSync(sb.project, { recursive: true });
  await sb.writeConfig(`export default { tools: { cmake: "3" } };\n`);
  fake.reset();
  assert.equal((await sb.run(["install"])).code, 0);
  const api = fake.log.filter((l) => l.url.startsWith("/api.github.com/"));
  const other = fake.log.filter((l) => !l.url.startsWith("/api.github.com/"));
  assert.ok(api.length > 0 && other.length > 0);
  assert.ok(api.every((l) => l.headers.authorization === "Bearer ghp_test123"));
  assert.ok(other.every((l) => l.headers.authorization === undefined));
});

test("transient 503s on the index are retried; a 404 is reported with a hint", async () => {
  const sb = sandbox(fake.mirrors);
  mkdirSync(sb.project, { recursive: true });
  await sb.writeConfig(`export default { tools: { zig: "0.13" } };\n`);
  fake.reset();
  fake.failNext("/ziglang.org/download/index.json", 2, 503);
  assert.equal((await sb.run(["lock"])).code, 0);
  assert.equal(fake.count("/ziglang.org/download/index.json"), 3);
  await sb.writeConfig(`export default { tools: { cmake: "3" } };\n`);
  fake.failNext(/releases\/tags/, 5, 404);
  const r = await sb.run(["lock"]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /HTTP 404 for http:\/\/127\.0\.0\.1:\d+\/api\.github\.com\/repos\/Kitware\/CMake\/releases\/tags\/v3\.31\.5/);
  assert.match(r.stderr, /hint: The file is not there/);
  assert.equal(fake.count(/releases\/tags/), 1, "no retry on 404");
});

test("mirrors can come from the user config file instead of DEVENV_MIRRORS", async () => {
  const sb = sandbox("");
  mkdirSync(sb.home, { recursive: true });
  writeFileSync(join(sb.home, "config.json"), JSON.stringify({ mirrors: fake.mirrorMap }));
  mkdirSync(sb.project, { recursive: true });
  await sb.writeConfig(`export default { tools: { zig: "0.13" } };\n`);
  const r = await sb.run(["exec", "--", "zig", "version"], { env: { DEVENV_MIRRORS: "" } });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), "0.13.0");
  writeFileSync(join(sb.home, "config.json"), "{ not json");
  const bad = await sb.run(["list"], { env: { DEVENV_MIRRORS: "" } });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /config\.json: .*\n  hint: The user config is JSON/);
});

test("devenv shell starts $SHELL with the project's environment and returns its status", async () => {
  const sb = sandbox(fake.mirrors, { SHELL: "/bin/sh" });
  mkdirSync(sb.project, { recursive: true });
  await sb.writeConfig(`export default { tools: { zig: "0.13" }, env: { GREETING: "hi" } };\n`);
  const r = await sb.run(["shell"], { input: 'zig version; echo "$GREETING $DEVENV_SHELL_ROOT"; exit 3\n' });
  assert.equal(r.code, 3, r.stderr);
  assert.equal(r.stdout, `0.13.0\nhi ${sb.project}\n`);
});

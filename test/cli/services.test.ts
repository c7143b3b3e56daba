/**
 * `devenv up -d / ps / logs / restart / down` with the project's own processes (real node
 * processes, real ports on 127.0.0.1), in a project whose path has spaces: an api with http
 * readiness, a web that starts only after the api is ready (it checks) with tcp readiness, and a
 * worker that crashes twice and is restarted (restart: "on-failure").
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { assertOk, sandbox, type Sandbox } from "../helpers/cli.js";
import { waitFor } from "../support/wait.js";

const node = JSON.stringify(process.execPath);

const API = `
const http = require("node:http");
const port = Number(process.env.PORT);
console.log("api starting on", port);
setTimeout(() => http.createServer((q, r) => { r.writeHead(q.url === "/health" ? 200 : 404); r.end("ok"); })
  .listen(port, "127.0.0.1", () => console.log("api listening")), 400);
`;
const WEB = `
const http = require("node:http");
const net = require("node:net");
http.get("http://127.0.0.1:" + process.env.API_PORT + "/health", (res) => {
  console.log("web got api " + res.statusCode);
  net.createServer(() => {}).listen(Number(process.env.PORT), "127.0.0.1", () => console.log("web listening"));
}).on("error", (e) => { console.log("web: api not ready: " + e.message); process.exit(1); });
`;
const WORKER = `
const fs = require("node:fs");
const f = process.env.RUNS_FILE;
const n = (fs.existsSync(f) ? Number(fs.readFileSync(f, "utf8")) : 0) + 1;
fs.writeFileSync(f, String(n));
console.log("worker run " + n);
if (n <= 2) process.exit(3);
setInterval(() => {}, 1000);
`;

const config = (dir: string) => `export default {
  processes: {
    api: { command: [${node}, "api.js"], port: "auto", ready: { http: "http://127.0.0.1:\${port}/health" } },
    web: { command: ${JSON.stringify(`${process.execPath} web.js`)}, port: "auto", after: ["api"], ready: { tcp: "port" } },
    worker: { command: [${node}, "worker.js"], restart: "on-failure", env: { RUNS_FILE: "\${root}/runs" } },
  },
};
`;

interface PsJson { processes: Array<{ name: string; pid?: number; state: string; port?: number; restarts: number; lastExit?: string }> }

const sandboxes: Sandbox[] = [];
after(async () => {
  for (const sb of sandboxes) await sb.run(["down"], { cwd: join(sb.project, "my app dir") });
});

async function project(): Promise<{ sb: Sandbox; dir: string }> {
  const sb = sandbox("");
  sandboxes.push(sb);
  const dir = join(sb.project, "my app dir");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "api.js"), API);
  writeFileSync(join(dir, "web.js"), WEB);
  writeFileSync(join(dir, "worker.js"), WORKER);
  await sb.writeConfig(config(dir), dir);
  return { sb, dir };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test("up -d returns when every process is ready; ps, logs, exported ports, restarts of a crashing worker, down leaves nothing", async () => {
  const { sb, dir } = await project();
  const up = await sb.run(["up", "-d"], { cwd: dir });
  assertOk(up);
  assert.match(up.stdout, /up: api \(port \d+\), web \(port \d+\), worker/);

  const ps = async () => {
    const r = await sb.run(["ps", "--json"], { cwd: dir });
    assertOk(r);
    return JSON.parse(r.stdout) as PsJson;
  };
  // up -d again: already up, nothing started twice.
  const twice = await sb.run(["up", "-d"], { cwd: dir });
  assertOk(twice);
  assert.match(twice.stdout, /already up \(supervisor pid \d+\): api, web, worker/);
  const foreground = await sb.run(["up"], { cwd: dir });
  assert.equal(foreground.code, 1, foreground.stdout + foreground.stderr);
  assert.match(foreground.stderr, /already up \(supervisor pid \d+, detached\)/);

  const first = await ps();
  const byName = (s: PsJson, n: string) => s.processes.find((p) => p.name === n)!;
  assert.equal(byName(first, "api").state, "ready");
  assert.equal(byName(first, "web").state, "ready");
  const apiPort = byName(first, "api").port!;
  const webPort = byName(first, "web").port!;
  assert.ok(apiPort > 0 && webPort > 0 && apiPort !== webPort);

  // web started after api was ready: it reached api's /health.
  const logs = await sb.run(["logs", "-n", "5", "web"], { cwd: dir });
  assertOk(logs);
  assert.match(logs.stdout, /web +\| web got api 200/);

  // The worker crashed twice and was restarted each time; the third run stays up.
  const settled = await waitFor("the worker's third run", async () => {
    const s = await ps();
    // Its third run may be started before it has written its count: wait for that too.
    const runs = readFileSync(join(dir, "runs"), "utf8");
    return byName(s, "worker").restarts === 2 && byName(s, "worker").state !== "backoff" && runs === "3" ? s : undefined;
  });
  assert.equal(byName(settled, "worker").lastExit, "exit 3");
  assert.equal(readFileSync(join(dir, "runs"), "utf8"), "3");
  const table = await sb.run(["ps"], { cwd: dir });
  assert.match(table.stdout, /worker +\d+ +\S+ +- +\S+ +2\n/);

  // status names them too.
  const status = await sb.run(["status"], { cwd: dir });
  assert.match(status.stdout, new RegExp(`services: .*my app dir: up: api ready :${apiPort}, web ready :${webPort}, worker ready`));

  // The activation exports each process's port.
  const exec = await sb.run(["exec", "--", process.execPath, "-e", "console.log(process.env.API_PORT, process.env.WEB_PORT)"], { cwd: dir });
  assertOk(exec);
  assert.equal(exec.stdout.trim(), `${apiPort} ${webPort}`);

  const pids = settled.processes.map((p) => p.pid!);
  const down = await sb.run(["down"], { cwd: dir });
  assertOk(down);
  assert.match(down.stdout, /stopped/);
  for (const pid of pids) assert.equal(alive(pid), false, `pid ${pid} still runs after down`);
  const again = await sb.run(["down"], { cwd: dir });
  assertOk(again);
  assert.match(again.stdout, /not up; nothing to stop/);

  // The ports are kept for this checkout.
  assertOk(await sb.run(["up", "-d", "api"], { cwd: dir }));
  const back = await ps();
  assert.equal(byName(back, "api").port, apiPort);
  assert.equal(back.processes.some((p) => p.name === "web"), false, "up api starts only api");
  assertOk(await sb.run(["down"], { cwd: dir }));
});

test("logs -f prints the last lines, then new ones as the process writes them; logs of an unknown name is an error listing the known", async () => {
  const { sb, dir } = await project();
  writeFileSync(join(dir, "ticker.js"), `let n = 0; setInterval(() => console.log("tick " + ++n), 200);`);
  await sb.writeConfig(`export default { processes: { ticker: { command: [${node}, "ticker.js"] } } };\n`, dir);
  assertOk(await sb.run(["up", "-d"], { cwd: dir }));
  const { spawn } = await import("node:child_process");
  const { devenvBin } = await import("../helpers/cli.js");
  const f = spawn(process.execPath, [devenvBin, "logs", "-f", "-n", "1", "ticker"], { cwd: dir, env: sb.env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  f.stdout.on("data", (c: Buffer) => (out += c));
  const closed = new Promise((r) => f.once("close", r));
  try {
    // A tick numbered 5 or more arrived while following (one old line was shown first).
    await waitFor("a new tick while following", () => /^ticker +\| tick ([5-9]|\d\d)$/m.test(out) && out.split("\n").filter(Boolean).length >= 2, { detail: () => out });
    assert.match(out.split("\n")[0]!, /^ticker +\| /);
  } finally {
    f.kill("SIGINT");
    await closed;
  }
  const unknown = await sb.run(["logs", "nope"], { cwd: dir });
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /no log for nope/);
  assert.match(unknown.stderr, /Logs exist for: .*ticker/);
  assertOk(await sb.run(["down"], { cwd: dir }));
});

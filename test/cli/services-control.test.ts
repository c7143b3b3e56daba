/**
 * `devenv up` in the foreground (prefixed lines, Ctrl-C stops in reverse order), `restart`, and bad
 * input: unknown keys, a missing command, a cycle in `after`, a program that does not exist, a port
 * some other process holds. Real node processes on 127.0.0.1.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { after, test } from "node:test";
import { assertOk, devenvBin, sandbox, type Sandbox } from "../helpers/cli.js";
import { waitFor } from "../support/wait.js";

const node = JSON.stringify(process.execPath);

/**
 * A process that appends its name to order.txt when asked to stop, then exits; once it can, it
 * writes <name>.ready (its readiness; after READY_DELAY_MS), listens on PORT if it has one, and
 * says it started.
 */
const SERVER = `
const fs = require("node:fs");
const name = process.argv[2];
fs.rmSync(name + ".ready", { force: true });
process.on("SIGTERM", () => { fs.appendFileSync(process.env.ORDER, name + "\\n"); process.exit(0); });
setTimeout(() => {
  fs.writeFileSync(name + ".ready", "");
  if (process.env.PORT) require("node:net").createServer().listen(Number(process.env.PORT), "127.0.0.1");
  console.log(name + " started with PORT=" + process.env.PORT);
}, Number(process.env.READY_DELAY_MS ?? 0));
setInterval(() => {}, 1000);
`;

const sandboxes: Array<{ sb: Sandbox; dir: string }> = [];
after(async () => {
  for (const { sb, dir } of sandboxes) await sb.run(["down"], { cwd: dir });
});

async function project(config: string): Promise<{ sb: Sandbox; dir: string }> {
  const sb = sandbox("");
  const dir = join(sb.project, "a b");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "server.js"), SERVER);
  await sb.writeConfig(config, dir);
  sandboxes.push({ sb, dir });
  return { sb, dir };
}

const chain = `export default {
  processes: {
    db: { command: [${node}, "server.js", "db"], env: { ORDER: "\${root}/order.txt" }, ready: { exec: ["test", "-f", "db.ready"] } },
    api: { command: [${node}, "server.js", "api"], after: ["db"], env: { ORDER: "\${root}/order.txt" }, ready: { tcp: "port" }, port: "auto" },
    web: { command: [${node}, "server.js", "web"], after: ["api"], env: { ORDER: "\${root}/order.txt" }, ready: { exec: ["test", "-f", "web.ready"] } },
  },
};
`;

test("foreground up: each process's lines prefixed with its name; Ctrl-C stops them in reverse start order and exits 0", async () => {
  const { sb, dir } = await project(chain);
  const child = spawn(process.execPath, [devenvBin, "up"], { cwd: dir, env: sb.env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (c: Buffer) => (out += c));
  child.stderr.on("data", (c: Buffer) => (out += c));
  const exited = new Promise<number | null>((r) => child.once("close", (code) => r(code)));
  await waitFor("every process ready", () => out.includes("every process is ready"), { detail: () => out });
  await waitFor("web's own line", () => /^web +\| web started/m.test(out), { detail: () => out });
  assert.match(out, /^api +\| api started with PORT=\d+$/m);
  child.kill("SIGINT");
  assert.equal(await exited, 0, out);
  assert.equal(readFileSync(join(dir, "order.txt"), "utf8"), "web\napi\ndb\n");
  const ps = await sb.run(["ps"], { cwd: dir });
  assert.match(ps.stdout, /not up/);
});

test("restart api: a new api process, ready again when the command returns; the others keep running", async () => {
  // api takes 1.5 s to be ready: restart must wait for that, not return once the signal is sent.
  const slowApi = chain.replace('after: ["db"], env: { ORDER: "${root}/order.txt" }', 'after: ["db"], env: { ORDER: "${root}/order.txt", READY_DELAY_MS: "1500" }');
  assert.notEqual(slowApi, chain);
  const { sb, dir } = await project(slowApi);
  assertOk(await sb.run(["up", "-d"], { cwd: dir }));
  const pids = async () => {
    const r = await sb.run(["ps", "--json"], { cwd: dir });
    return Object.fromEntries((JSON.parse(r.stdout) as { processes: Array<{ name: string; pid: number; state: string }> }).processes.map((p) => [p.name, p]));
  };
  const before = await pids();
  const r = await sb.run(["restart", "api"], { cwd: dir });
  assertOk(r);
  const now = await pids();
  assert.notEqual(now.api!.pid, before.api!.pid);
  assert.equal(now.api!.state, "ready");
  assert.equal(now.db!.pid, before.db!.pid);
  assert.equal(now.web!.pid, before.web!.pid);
  assertOk(await sb.run(["down"], { cwd: dir }));
});

test("bad devenv.ts: an unknown key, a missing command, a cycle in after: each named, nothing started", async () => {
  const cases: Array<[string, RegExp]> = [
    [`export default { processes: { web: { comand: "x" } } };`, /processes\.web: unknown key 'comand' \(expected command, cwd, env, port, after, ready/],
    [`export default { processes: { web: { cwd: "." } } };`, /processes\.web\.command: /],
    [`export default { processes: { a: { command: "x", after: ["b"] }, b: { command: "y", after: ["a"] } } };`, /processes\.a\.after makes a cycle: a → b → a/],
    [`export default { processes: { a: { command: "x", after: ["postgres"] } } };`, /processes\.a\.after names 'postgres', which is not a process \(services\.postgres is not configured\)/],
    [`export default { services: { postgres: { prot: 5432 } } };`, /services\.postgres: unknown key 'prot' \(expected port, databases/],
  ];
  for (const [config, message] of cases) {
    const { sb, dir } = await project(config);
    const r = await sb.run(["up", "-d"], { cwd: dir });
    assert.equal(r.code, 1, `${config}\n${r.stdout}${r.stderr}`);
    assert.match(r.stderr, message);
  }
});

test("a program that does not exist: up -d fails naming the process and what it said; nothing is left up", async () => {
  const { sb, dir } = await project(`export default { processes: {
    db: { command: [${node}, "server.js", "db"], env: { ORDER: "\${root}/order.txt" }, ready: { exec: ["test", "-f", "db.ready"] } },
    web: { command: ["./no-such-program"], after: ["db"] },
  } };`);
  const r = await sb.run(["up", "-d"], { cwd: dir });
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /web/);
  assert.match(r.stderr, /no-such-program/);
  const ps = await sb.run(["ps", "--json"], { cwd: dir });
  const status = JSON.parse(ps.stdout) as { processes: Array<{ name: string; pid?: number; state: string }> };
  assert.equal(status.processes.some((p) => p.state === "ready" || p.state === "starting"), false, ps.stdout);
  // db was started first and stopped again.
  assert.equal(readFileSync(join(dir, "order.txt"), "utf8"), "db\n");
});

test("a port another process holds: up fails naming that process; nothing started", async () => {
  const holder: Server = createServer();
  await new Promise<void>((r) => holder.listen(0, "127.0.0.1", r));
  const port = (holder.address() as { port: number }).port;
  try {
    const { sb, dir } = await project(`export default { processes: { web: { command: [${node}, "server.js", "web"], port: ${port}, env: { ORDER: "\${root}/order.txt" }, ready: { exec: ["test", "-f", "web.ready"] } } } };`);
    const r = await sb.run(["up", "-d"], { cwd: dir });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, new RegExp(`port ${port}`));
    if (process.platform === "linux") assert.match(r.stderr, new RegExp(`pid ${process.pid}\\b`), "names the holder");
    assert.throws(() => readFileSync(join(dir, "order.txt")), "web never started");
  } finally {
    holder.close();
  }
});

test("Ctrl-C while a process is still starting: everything stopped, a line says so, exit 0, nothing left", async () => {
  const { sb, dir } = await project(`export default { processes: {
    db: { command: [${node}, "server.js", "db"], env: { ORDER: "\${root}/order.txt" }, ready: { exec: ["test", "-f", "db.ready"] } },
    web: { command: [${node}, "server.js", "web"], after: ["db"], env: { ORDER: "\${root}/order.txt" }, ready: { tcp: 1 }, readyTimeout: 120 },
  } };`);
  const child = spawn(process.execPath, [devenvBin, "up"], { cwd: dir, env: sb.env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (c: Buffer) => (out += c));
  child.stderr.on("data", (c: Buffer) => (out += c));
  const exited = new Promise<number | null>((r) => child.once("close", (code) => r(code)));
  await waitFor("web to be started (never ready: nothing listens on port 1)", () => /^web +\| web started/m.test(out), { detail: () => out });
  child.kill("SIGINT");
  assert.equal(await exited, 0, out);
  assert.match(out, /stopped before every process was ready/);
  assert.doesNotMatch(out, /devenv: /, "no error");
  assert.equal(readFileSync(join(dir, "order.txt"), "utf8"), "web\ndb\n");
});

/** services/processes in devenv.ts: validation, start order, the implicit postgres tool, specs, paths. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { normaliseConfig } from "../../src/config/normalise.js";
import { SOCKET_PATH_MAX, servicePaths } from "../../src/services/paths.js";
import { processSpec, withDependencies, portVariable } from "../../src/services/specs.js";

const FILE = "/p/devenv.ts";
const load = (value: unknown) => normaliseConfig(value, "/p", FILE);
const names = (value: unknown) => load(value).services!.processes.map((p) => p.name);

test("processes start after what they wait for, in config order otherwise", () => {
  assert.deepEqual(
    names({ processes: { web: { command: "w", after: ["api"] }, worker: { command: "k" }, api: { command: "a", after: ["db"] }, db: { command: "d" } } }),
    ["db", "api", "web", "worker"],
  );
  assert.deepEqual(names({ processes: { b: { command: "b" }, a: { command: "a" } } }), ["b", "a"]);
});

test("after: a cycle, an unknown name, postgres without services.postgres, itself — each named", () => {
  assert.throws(() => load({ processes: { a: { command: "x", after: ["b"] }, b: { command: "y", after: ["c"] }, c: { command: "z", after: ["a"] } } }), /processes\.a\.after makes a cycle: a → b → c → a/);
  assert.throws(() => load({ processes: { a: { command: "x", after: ["nope"] } } }), (e: Error & { hint?: string }) => /names 'nope', which is not a process/.test(e.message) && /Known names: a/.test(e.hint ?? ""));
  assert.throws(() => load({ processes: { a: { command: "x", after: ["postgres"] } } }), /services\.postgres is not configured/);
  assert.doesNotThrow(() => load({ services: { postgres: {} }, processes: { a: { command: "x", after: ["postgres"] } } }));
  assert.throws(() => load({ processes: { a: { command: "x", after: ["a"] } } }), /processes\.a\.after waits for itself/);
});

test("schema: unknown keys list the keys of that object; names, ports and signals are checked", () => {
  assert.throws(() => load({ processes: { web: { command: "x", restrat: "always" } } }), /processes\.web: unknown key 'restrat' \(expected command, cwd, env, port, after, ready, readyTimeout, restart, stopSignal, stopTimeout\)/);
  assert.throws(() => load({ services: { redis: {} } }), /services: unknown key 'redis' \(expected postgres\)/);
  assert.throws(() => load({ servics: {} }), /unknown key 'servics' \(expected tools, env, unsafeEnv, platforms, autoInstall, strictChecksums, aquaRegistries, cache, services, processes\)/);
  assert.throws(() => load({ processes: { Web: { command: "x" } } }), /processes\.Web|lowercase process name/);
  assert.throws(() => load({ processes: { web: { command: "x", port: 70000 } } }), /processes\.web\.port/);
  assert.throws(() => load({ processes: { web: { command: "x", stopSignal: "SIGFOO" } } }), /processes\.web\.stopSignal/);
  assert.throws(() => load({ processes: { web: { command: [] } } }), /processes\.web\.command/);
  assert.throws(() => load({ processes: { web: { command: "x", ready: { tcp: "port" } } } }), /ready: \{ tcp: "port" \} needs processes\.web\.port/);
  assert.throws(() => load({ processes: { postgres: { command: "x" } } }), /the name postgres is taken/);
});

test("services.postgres without a postgres tool adds one, marked implicit; a listed one is kept", () => {
  const implicit = load({ services: { postgres: { databases: ["app", "app"] } } });
  assert.deepEqual(implicit.tools.map((t) => [t.name, t.range, t.implicit]), [["postgres", "latest", "services.postgres"]]);
  assert.deepEqual(implicit.services!.postgres, { port: "auto", databases: ["app"], user: "postgres", settings: {}, initdbArgs: [], listen: "localhost" });
  const pinned = load({ tools: { postgres: "16" }, services: { postgres: {} } });
  assert.deepEqual(pinned.tools.map((t) => [t.name, t.range, t.implicit]), [["postgres", "16", undefined]]);
  assert.equal(load({ tools: {} }).services, undefined);
});

test("a process spec: ${port} and ${root} filled in, PORT given, a string runs in sh, readiness and stop steps", () => {
  const [p] = load({
    processes: { web: { command: "serve --port ${port} ${root}/public", port: "auto", env: { URL: "http://127.0.0.1:${port}" }, ready: { http: "http://127.0.0.1:${port}/up" }, stopSignal: "SIGINT", stopTimeout: 3, cwd: "app" } },
  }).services!.processes;
  const spec = processSpec(p!, { root: "/p", env: { PATH: "/bin" }, ports: { web: 4100 } });
  assert.deepEqual(spec.argv, ["/bin/sh", "-c", "serve --port 4100 '/p'/public"]);
  assert.equal(spec.env.PORT, "4100");
  assert.equal(spec.env.URL, "http://127.0.0.1:4100");
  assert.equal(spec.env.PATH, "/bin");
  assert.equal(spec.cwd, "/p/app");
  assert.deepEqual(spec.ready, { kind: "http", url: "http://127.0.0.1:4100/up" });
  assert.deepEqual(spec.stop, [{ signal: "SIGINT", waitMs: 3000 }]);
  assert.equal(spec.restart, "no");
  const [q] = load({ processes: { w: { command: ["node", "w.js", "${port}"], ready: { exec: ["true"] } } } }).services!.processes;
  const plain = processSpec(q!, { root: "/p", env: {}, ports: {} });
  assert.deepEqual(plain.argv, ["node", "w.js", "${port}"], "no port: left as written");
  assert.equal(plain.env.PORT, undefined);
  assert.deepEqual(plain.ready, { kind: "exec", argv: ["true"] });
  assert.equal(portVariable("my-api"), "MY_API_PORT");
});

test("up a name: that and what it waits for, in start order", () => {
  const order = [{ name: "postgres", after: [] }, { name: "api", after: ["postgres"] }, { name: "web", after: ["api"] }, { name: "worker", after: [] }];
  assert.deepEqual(withDependencies(order, ["web"]), ["postgres", "api", "web"]);
  assert.deepEqual(withDependencies(order, ["worker", "api"]), ["postgres", "api", "worker"]);
});

test("the Postgres socket dir fits in sun_path: under the state dir when short enough, else a short dir in the temp dir", () => {
  const short = servicePaths("/home/u/.local/state/devenv", "/home/u/shop", {});
  assert.ok(short.pgsocket.startsWith(short.dir), short.pgsocket);
  const long = servicePaths(`/home/u/${"deep/".repeat(20)}state`, "/home/u/shop", {});
  assert.ok(!long.pgsocket.startsWith(long.dir), long.pgsocket);
  for (const p of [short, long]) assert.ok(Buffer.byteLength(`${p.pgsocket}/.s.PGSQL.65535`) <= SOCKET_PATH_MAX, p.pgsocket);
  assert.notEqual(servicePaths("/s", "/a/shop", {}).dir, servicePaths("/s", "/b/shop", {}).dir, "two checkouts, two dirs");
});

test("${root} in a shell command is one word, whatever the path holds; in argv it is the path as is", async () => {
  const { spawnSync } = await import("node:child_process");
  const root = `/tmp/it's a "dir" $(touch /tmp/pwned) \`x\``;
  const [p] = load({ processes: { w: { command: "printf '%s|' ${root}/public ${port}", port: 5000 } } }).services!.processes;
  const spec = processSpec(p!, { root, env: {}, ports: { w: 5001 } });
  const out = spawnSync(spec.argv[0]!, spec.argv.slice(1), { encoding: "utf8" });
  assert.equal(out.stdout, `${root}/public|5001|`);
  const [q] = load({ processes: { w: { command: ["ls", "${root}/x"] } } }).services!.processes;
  assert.deepEqual(processSpec(q!, { root, env: {}, ports: {} }).argv, ["ls", `${root}/x`]);
});

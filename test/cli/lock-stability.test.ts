/**
 * A locked version stays while devenv.ts still allows it (issue 15, item 3): widening `20.17.0` to
 * `20` keeps 20.17.0, as npm, cargo and pixi keep a lock that still satisfies package.json; only
 * `devenv update` (or `add`, which names the tool) moves it. Replicability across machines rests on it.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { assertOk as ok, sandbox, type Sandbox } from "../helpers/cli.js";
import { useFakeUpstream } from "../support/use-fake-upstream.js";

const fake = useFakeUpstream({ node: ["20.17.0", "20.18.0", "22.1.0"] });

const node = (sb: Sandbox) => JSON.parse(readFileSync(join(sb.project, "devenv.lock"), "utf8")).tools.node as { request: string; version: string };
const config = (range: string) => `export default { tools: { node: ${JSON.stringify(range)} } };\n`;

test("widening a range keeps the locked version (install, exec, the hook, --frozen); update moves it", async () => {
  const sb = sandbox(fake.mirrors);
  await sb.writeConfig(config("20.17.0"));
  ok(await sb.run(["lock"]));
  assert.deepEqual(node(sb), { ...node(sb), request: "20.17.0", version: "20.17.0" });

  await sb.writeConfig(config("20"));
  // The hook's refresh (a cd into the project) keeps it too.
  ok(await sb.run(["hook-env", "--activations", join(sb.home, "state", "activations"), "--", sb.project], { cwd: sb.project }));
  assert.equal(node(sb).version, "20.17.0");
  // The lock still satisfies devenv.ts: a frozen install takes it as it is.
  ok(await sb.run(["install", "--frozen"]));
  assert.equal(node(sb).version, "20.17.0");
  const r = await sb.run(["exec", "--", "node", "--version"]);
  ok(r);
  assert.match(r.stdout, /v20\.17\.0/);
  ok(await sb.run(["install"]));
  assert.deepEqual([node(sb).request, node(sb).version], ["20", "20.17.0"], "the lock records the new request, at the same version");
  ok(await sb.run(["lock"]));
  assert.equal(node(sb).version, "20.17.0");

  // Only update moves a pin the range still allows.
  ok(await sb.run(["update", "node"]));
  assert.deepEqual([node(sb).request, node(sb).version], ["20", "20.18.0"]);
});

test("a range that no longer allows the locked version resolves again; add re-resolves the tool it names", async () => {
  const sb = sandbox(fake.mirrors);
  await sb.writeConfig(config("20.17.0"));
  ok(await sb.run(["lock"]));
  await sb.writeConfig(config("22"));
  ok(await sb.run(["lock"]));
  assert.deepEqual([node(sb).request, node(sb).version], ["22", "22.1.0"]);

  const other = sandbox(fake.mirrors);
  await other.writeConfig(config("20.17.0"));
  ok(await other.run(["lock"]));
  ok(await other.run(["add", "node@20", "--no-install"]));
  assert.deepEqual([node(other).request, node(other).version], ["20", "20.18.0"], "add asks for the newest 20.x, like npm install node@20");
});

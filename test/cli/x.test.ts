/**
 * `devenv x <tool@range>… -- cmd` and its store entries, as a user runs them against the fake
 * upstream: no devenv.ts or devenv.lock written anywhere, the named tools over a project's own,
 * the project's variables kept, gc keeping the entry while the command runs and for a grace
 * after it, `gc --older-than 0d` freeing it, and the resolution kept for a second (offline) run.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, utimesSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { assertOk, devenvBin, type Sandbox } from "../helpers/cli.js";
import { seedCatalog } from "../support/catalog-cache.js";
import { projectSandboxes } from "../support/project-sandbox.js";
import { useFakeUpstream } from "../support/use-fake-upstream.js";

const fake = useFakeUpstream({ node: ["20.18.0", "22.11.0"], zig: ["0.13.0"] });
const fresh = projectSandboxes(() => fake.mirrors);
const nodeEntries = (sb: Sandbox) => sb.storeEntries().filter((e) => /^[0-9a-z]{32}-node-/.test(e));
const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
/** The shell words that run this checkout's devenv. */
const devenvWords = `${q(process.execPath)} ${q(devenvBin)}`;
/** Every devenv.ts / devenv.lock from `dir` up to the sandbox's base. */
const projectFilesAbove = (sb: Sandbox, dir: string) => {
  const found: string[] = [];
  for (let d = dir; d.startsWith(dirname(sb.home)); d = dirname(d)) {
    for (const f of ["devenv.ts", "devenv.lock"]) if (existsSync(join(d, f))) found.push(join(d, f));
  }
  return found;
};

test("done when: devenv x node@20 -- node -v with no devenv.ts prints the version, writes no devenv.ts/devenv.lock, and gc --older-than 0d frees its entry afterwards", async () => {
  const sb = await fresh();
  const r = await sb.run(["x", "node@20", "--", "node", "-v"]);
  assertOk(r);
  assert.equal(r.stdout, "v20.18.0\n");
  assert.deepEqual(readdirSync(sb.project), [], "nothing written where it ran");
  assert.deepEqual(projectFilesAbove(sb, sb.project), []);
  assert.equal(nodeEntries(sb).length, 1, "installed into the store like any other");
  assert.equal(existsSync(join(sb.home, "state", "roots")), false, "no gc root recorded");

  // A plain gc keeps it for a grace after its use; --older-than 0d frees it.
  const plain = await sb.run(["gc", "-v"]);
  assertOk(plain);
  assert.match(plain.stdout, /^kept node-20\.18\.0.*\(used by devenv x or shell -p within the last hour; --older-than 0d frees it\)/m);
  assert.match(plain.stdout, /1 used by devenv x or shell -p within the last hour/);
  assert.equal(nodeEntries(sb).length, 1);
  const gc = await sb.run(["gc", "--older-than", "0d"]);
  assertOk(gc);
  assert.match(gc.stdout, /^removed node 20\.18\.0 /m);
  assert.deepEqual(nodeEntries(sb), []);
});

test("gc in another process while devenv x runs keeps the entry (pinned for the life of the command); after it, gc --older-than 0d frees it", async () => {
  const sb = await fresh();
  const script = `${devenvWords} gc --older-than 0d -v; node -v`;
  const r = await sb.run(["x", "node@20", "--", "sh", "-c", script]);
  assertOk(r);
  assert.match(r.stdout, /^kept node-20\.18\.0.*\(being installed or activated\)/m);
  assert.match(r.stdout, /^v20\.18\.0$/m, "node still runs after that gc");
  assert.doesNotMatch(r.stdout, /^removed node/m);
  assert.equal(nodeEntries(sb).length, 1);
  const gc = await sb.run(["gc", "--older-than", "0d"]);
  assertOk(gc);
  assert.deepEqual(nodeEntries(sb), []);
});

test("a plain gc frees a devenv x entry once the grace after its last use is over", async () => {
  const sb = await fresh();
  assertOk(await sb.run(["x", "node@20", "--", "node", "-v"]));
  const [entry] = nodeEntries(sb);
  const hash = entry!.slice(0, 32);
  const stamp = join(sb.home, "store", ".used-temporary", hash);
  assert.ok(existsSync(stamp), "the temporary use is recorded");
  const before = new Date(Date.now() - 61 * 60_000);
  utimesSync(stamp, before, before);
  const gc = await sb.run(["gc"]);
  assertOk(gc);
  assert.match(gc.stdout, /^removed node 20\.18\.0 /m);
  assert.deepEqual(nodeEntries(sb), []);
  assert.equal(existsSync(stamp), false, "its stamps go with it");
});

test("in a project: the named tool wins over the project's own, the project's variables stay, devenv.ts and devenv.lock are untouched", async () => {
  const sb = await fresh(`export default { tools: { node: "20", zig: "0.13" }, env: { GREETING: "hello from the project" } };\n`);
  assertOk(await sb.run(["install"]));
  const config = readFileSync(join(sb.project, "devenv.ts"));
  const lock = readFileSync(join(sb.project, "devenv.lock"));
  const r = await sb.run(["x", "node@22", "--", "sh", "-c", 'node -v; echo "$GREETING"; zig version'], { cwd: join(sb.project) });
  assertOk(r);
  assert.equal(r.stdout, "v22.11.0\nhello from the project\n0.13.0\n");
  assert.deepEqual(readFileSync(join(sb.project, "devenv.ts")), config);
  assert.deepEqual(readFileSync(join(sb.project, "devenv.lock")), lock);
  const own = await sb.run(["exec", "node", "-v"]);
  assertOk(own);
  assert.equal(own.stdout, "v20.18.0\n", "the project's own node is back outside devenv x");
  // The project's node is a gc root, the named one is not.
  const gc = await sb.run(["gc", "--older-than", "0d"]);
  assertOk(gc);
  assert.match(gc.stdout, /^removed node 22\.11\.0 /m);
  assert.equal(nodeEntries(sb).length, 1);
});

test("the named tool wins even when an enclosing project already has the same store entry lower on PATH", async () => {
  const sb = await fresh(`export default { tools: { node: "22" } };\n`);
  const inner = join(sb.project, "inner");
  await sb.writeConfig(`export default { tools: { node: "20" } };\n`, inner);
  assertOk(await sb.run(["install"], { cwd: inner }));
  const own = await sb.run(["exec", "node", "-v"], { cwd: inner });
  assert.equal(own.stdout, "v20.18.0\n", "the inner project's node first");
  const r = await sb.run(["x", "node@22", "--", "sh", "-c", "node -v; command -v node"], { cwd: inner });
  assertOk(r);
  const [version, path] = r.stdout.trim().split("\n");
  assert.equal(version, "v22.11.0");
  assert.match(path!, /\/store\/[0-9a-z]{32}-node-22\.11\.0\//);
  assert.equal(nodeEntries(sb).length, 2, "the outer project's node 22 is the entry devenv x uses");
});

test("a second devenv x of the same tool@range looks nothing up (the resolution is cached), and works with --offline; after the TTL it resolves again", async () => {
  const sb = await fresh();
  assertOk(await sb.run(["x", "node@20", "--", "node", "-v"]));
  const requests = fake.requests.length;
  const resolvedDir = join(sb.home, "cache", "resolved");
  const [cachedFile] = readdirSync(resolvedDir);
  const cached = readFileSync(join(resolvedDir, cachedFile!), "utf8");
  assert.match(cached, /"version":"20\.18\.0"/);
  const again = await sb.run(["x", "node@20", "--", "node", "-v"]);
  assertOk(again);
  assert.equal(again.stdout, "v20.18.0\n");
  assert.equal(fake.requests.length, requests, "no request at all");
  assert.equal(readFileSync(join(resolvedDir, cachedFile!), "utf8"), cached, "using it does not make it younger: it still expires after the TTL");
  const offline = await sb.run(["--offline", "x", "node@20", "--", "node", "-v"], { env: { DEVENV_VERSIONS_TTL: "0" } });
  assertOk(offline);
  assert.equal(offline.stdout, "v20.18.0\n");
  assert.equal(fake.requests.length, requests);
  const stale = await sb.run(["x", "node@20", "--", "node", "-v"], { env: { DEVENV_VERSIONS_TTL: "0" } });
  assertOk(stale);
  assert.ok(fake.requests.length > requests, "resolved again once the cached resolution is older than the TTL");
  assert.deepEqual(readdirSync(sb.project), []);
});

test("--offline with nothing resolved before says so", async () => {
  const sb = await fresh();
  const r = await sb.run(["--offline", "x", "node@20", "--", "node", "-v"]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /offline: node@20 was not resolved on this machine before/);
  assert.match(r.stderr, /hint: Run it once online/);
});

test("the command's exit status and signal pass through", async () => {
  const sb = await fresh();
  const seven = await sb.run(["x", "node@20", "--", "sh", "-c", "exit 7"]);
  assert.equal(seven.code, 7, seven.stderr);
  const killed = await sb.run(["x", "node@20", "--", "sh", "-c", "kill -TERM $$"]);
  assert.equal(killed.signal, "SIGTERM", killed.stderr);
  const missing = await sb.run(["x", "node@20", "--", "no-such-command"]);
  assert.equal(missing.code, 127);
  assert.match(missing.stderr, /command not found: no-such-command/);
  assert.match(missing.stderr, /not a command of node 20\.18\.0, nor on PATH/);
});

test("usage errors: missing --, no tool, no command, a bad range, a tool named twice, an unknown tool", async () => {
  const sb = await fresh();
  await seedCatalog(sb.home);
  const cases: Array<[string[], RegExp, number]> = [
    [["x", "node@20", "node", "-v"], /missing -- between the tools and the command/, 2],
    [["x", "--", "node", "-v"], /no tool named before --/, 2],
    [["x", "node@20", "--"], /no command after --/, 2],
    [["x", "node@>>", "--", "node"], /'node@>>': '>>' is not a version range/, 2],
    [["x", "node@20", "node@22", "--", "node"], /node is named twice/, 2],
    [["x", "node@99", "--", "node"], /node: no version matches '99'/, 1],
    [["x", "no-such-tool-xyz@1", "--", "true"], /unknown tool 'no-such-tool-xyz'/, 1],
    [["shell", "-p", "no-such-tool-xyz@1"], /unknown tool 'no-such-tool-xyz'/, 1],
  ];
  for (const [args, message, code] of cases) {
    const r = await sb.run(args);
    assert.equal(r.code, code, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, message, args.join(" "));
    assert.match(r.stderr, /hint: /, `${args.join(" ")} says what to do`);
  }
  assert.deepEqual(readdirSync(sb.project), []);
  assert.deepEqual(nodeEntries(sb), []);
});

test("devenv shell -p without a project: $SHELL with the tools, nothing written; the shell's status comes back", async () => {
  const sb = await fresh();
  const r = await sb.run(["shell", "-p", "node@22", "zig@0.13"], { env: { SHELL: "/bin/sh" }, input: "node -v; zig version; exit 3\n" });
  assert.equal(r.code, 3, r.stderr);
  assert.equal(r.stdout, "v22.11.0\n0.13.0\n");
  assert.match(r.stderr, /devenv: a shell with node 22\.11\.0, zig 0\.13\.0 \(exit to leave\)/);
  assert.deepEqual(readdirSync(sb.project), []);
  const plain = await sb.run(["shell"], { env: { SHELL: "/bin/sh" }, input: "exit 0\n" });
  assert.equal(plain.code, 1, "without -p, devenv shell still needs a project");
  assert.match(plain.stderr, /no devenv\.ts in/);
});

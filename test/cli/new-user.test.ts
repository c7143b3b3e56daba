/**
 * The "done when", tried as a new user would: an empty directory, DEVENV_HOME set and
 * DEVENV_MIRRORS pointing the real upstream URLs at a loopback fake serving the real formats.
 */
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { sha256hex, gzip, tarEntries } from "../support/archives.js";
import { type Sandbox, assertOk } from "../helpers/cli.js";
import { projectSandboxes } from "../support/project-sandbox.js";
import { useFakeUpstream } from "../support/use-fake-upstream.js";

const fake = useFakeUpstream({ node: ["20.18.0", "20.11.1", "22.11.0"], zig: ["0.13.0", "0.14.1"], cmake: ["3.31.5"] }, async () => {
  sb = await fresh();
});
const fresh = projectSandboxes(() => fake.mirrors);
let sb: Sandbox;


const ok = assertOk;

test("devenv add zig@0.13 node@20 writes devenv.ts and devenv.lock and installs both", async () => {
  const r = await sb.run(["add", "zig@0.13", "node@20"]);
  ok(r);
  const ts = readFileSync(join(sb.project, "devenv.ts"), "utf8");
  assert.match(ts, /import \{ defineConfig \} from "devenv";/);
  assert.match(ts, /zig: "0\.13",\n\s+node: "20",/);
  const lock = JSON.parse(readFileSync(join(sb.project, "devenv.lock"), "utf8"));
  assert.equal(lock.tools.node.version, "20.18.0");
  assert.equal(lock.tools.zig.version, "0.13.0");
  assert.equal(lock.tools.node.platforms["linux-x64"].url, "https://nodejs.org/dist/v20.18.0/node-v20.18.0-linux-x64.tar.xz");
  assert.equal(lock.tools.node.platforms["linux-x64"].sha256, await fake.sha256("/nodejs.org/dist/v20.18.0/node-v20.18.0-linux-x64.tar.xz"));
  assert.equal(lock.tools.zig.platforms["linux-x64"].url, "https://ziglang.org/download/0.13.0/zig-linux-x86_64-0.13.0.tar.xz");
  assert.ok(readFileSync(join(sb.project, "devenv.lock"), "utf8").endsWith("}\n"));
  const entries = sb.storeEntries();
  assert.equal(entries.length, 2);
  assert.ok(entries.some((e) => /^[0-9a-z]{32}-node-20\.18\.0$/.test(e)));
  assert.ok(entries.some((e) => /^[0-9a-z]{32}-zig-0\.13\.0$/.test(e)));
});

test("devenv exec -- node -v runs the installed node; zig is on PATH too; status passes through", async () => {
  const r = await sb.run(["exec", "--", "node", "-v"]);
  ok(r);
  assert.equal(r.stdout, "v20.18.0\n");
  const z = await sb.run(["exec", "--", "zig", "version"]);
  ok(z);
  assert.equal(z.stdout.trim(), "0.13.0");
  const which = await sb.run(["which", "node"]);
  assert.match(which.stdout, new RegExp(`^${sb.home}/store/[0-9a-z]{32}-node-20\\.18\\.0/bin/node\\n$`));
  const status = await sb.run(["exec", "--", "sh", "-c", "exit 7"]);
  assert.equal(status.code, 7);
  const sig = await sb.run(["exec", "--", "sh", "-c", "kill -TERM $$"]);
  assert.equal(sig.signal, "SIGTERM");
});

test("installing again downloads nothing", async () => {
  fake.reset();
  ok(await sb.run(["install"]));
  assert.equal(fake.count(/\.tar\.xz$/), 0);
  assert.equal(fake.count("/index.json"), 0, "version lists come from the cache within the TTL");
});

test("an inline url tool installs and runs", async () => {
  const script = "#!/bin/sh\necho hello from mytool 1.2.3\n";
  const archive = gzip(tarEntries([
    { path: "mytool-1.2.3/", type: "dir" },
    { path: "mytool-1.2.3/bin/", type: "dir" },
    { path: "mytool-1.2.3/bin/mytool", content: script, mode: 0o755 },
  ]));
  fake.addFile("/downloads.example.com/mytool-1.2.3-linux-x64.tar.gz", archive);
  const dir = join(sb.project, "..", "inline");
  mkdirSync(dir, { recursive: true });
  await sb.writeConfig(`export default {
  tools: {
    mytool: { version: "1.2.3", url: "https://downloads.example.com/mytool-{version}-{os}-{arch}.tar.gz", sha256: { "linux-x64": "${sha256hex(archive)}" } },
  },
};
`, dir);
  const env = { DEVENV_MIRRORS: fake.mirrors };
  const r = await sb.run(["exec", "--", "mytool"], { cwd: dir, env });
  ok(r);
  assert.equal(r.stdout, "hello from mytool 1.2.3\n");
  const lock = JSON.parse(readFileSync(join(dir, "devenv.lock"), "utf8"));
  assert.equal(lock.tools.mytool.source, "inline");
  assert.equal(lock.tools.mytool.platforms["linux-x64"].url, "https://downloads.example.com/mytool-1.2.3-linux-x64.tar.gz");
});

test("a tampered sha256 fails with a clear message and leaves the store unchanged", async () => {
  const dir = join(sb.project, "..", "tampered");
  mkdirSync(dir, { recursive: true });
  const before = sb.storeEntries();
  fake.tamper("/nodejs.org/dist/v22.11.0/node-v22.11.0-linux-x64.tar.xz");
  await sb.writeConfig(`export default { tools: { node: "22" } };\n`, dir);
  const r = await sb.run(["install"], { cwd: dir });
  assert.equal(r.code, 1);
  const expected = await fake.sha256("/nodejs.org/dist/v22.11.0/node-v22.11.0-linux-x64.tar.xz");
  assert.match(r.stderr, new RegExp(`checksum mismatch for https://nodejs.org/dist/v22.11.0/node-v22.11.0-linux-x64.tar.xz: expected sha256 ${expected}, got [0-9a-f]{64}`));
  assert.match(r.stderr, /hint: .*nothing was installed/);
  assert.deepEqual(sb.storeEntries(), before);
  const hidden = (await import("node:fs")).readdirSync(join(sb.home, "store")).filter((n) => n.startsWith(".tmp-"));
  assert.deepEqual(hidden, []);
  fake.reset();
});

test("devenv install --frozen after editing devenv.ts exits 1 and changes nothing", async () => {
  const lockBefore = readFileSync(join(sb.project, "devenv.lock"), "utf8");
  const ts = readFileSync(join(sb.project, "devenv.ts"), "utf8");
  await sb.writeConfig(ts.replace('node: "20"', 'node: "22"'));
  const r = await sb.run(["install", "--frozen"]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /devenv\.lock does not satisfy devenv\.ts:\n  - node: devenv\.ts asks for '22', devenv\.lock was made for '20'/);
  assert.match(r.stderr, /hint: Run 'devenv lock'/);
  assert.equal(readFileSync(join(sb.project, "devenv.lock"), "utf8"), lockBefore);
  await sb.writeConfig(ts);
  ok(await sb.run(["install", "--frozen"]));
});

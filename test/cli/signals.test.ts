import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { devenvBin, sandbox } from "../helpers/cli.js";
import { waitFor } from "../support/wait.js";
import { useFakeUpstream } from "../support/use-fake-upstream.js";

const fake = useFakeUpstream({ zig: ["0.13.0"] });

function start(sb: ReturnType<typeof sandbox>, args: string[]) {
  const child = spawn(process.execPath, [devenvBin, ...args], { cwd: sb.project, env: sb.env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c));
  child.stderr.on("data", (c: Buffer) => (stderr += c));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on("close", (code, signal) => r({ code, signal })));
  return { child, done, out: () => stdout, err: () => stderr };
}

test("Ctrl-C during an install exits 130 and leaves no temp dir and no entry; the next install works", async () => {
  const sb = sandbox(fake.mirrors);
  mkdirSync(sb.project, { recursive: true });
  await sb.writeConfig(`export default { tools: { zig: "0.13" } };\n`);
  // Held until Ctrl-C is in: however slow the machine, the install cannot finish first.
  fake.hold(/zig-linux-x86_64-0\.13\.0\.tar\.xz$/);
  const p = start(sb, ["install"]);
  const store = join(sb.home, "store");
  await waitFor("the install's temp dir", () => {
    try {
      return readdirSync(store).some((n) => n.startsWith(".tmp-"));
    } catch {
      return false;
    }
  }, 10_000);
  p.child.kill("SIGINT");
  const r = await p.done;
  assert.equal(r.code, 130, p.err());
  assert.match(p.err(), /interrupted; nothing half-installed was left behind/);
  assert.deepEqual(readdirSync(store).filter((n) => n !== ".locks" && n !== ".pins"), []);
  assert.deepEqual(readdirSync(join(store, ".pins")), [], "its pin is gone too");
  fake.reset();
  const again = await sb.run(["exec", "--", "zig", "version"]);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(again.stdout.trim(), "0.13.0");
});

test("signals sent to devenv exec reach the command, whose status comes back", { timeout: 60_000 }, async () => {
  const sb = sandbox(fake.mirrors);
  mkdirSync(sb.project, { recursive: true });
  await sb.writeConfig(`export default { tools: {} };\n`);
  const p = start(sb, ["exec", "--", "sh", "-c", `trap 'echo got-term; exit 42' TERM; echo ready; while :; do sleep 0.05; done`]);
  await waitFor("the command to start", () => p.out().includes("ready"), 10_000);
  p.child.kill("SIGTERM");
  const r = await p.done;
  assert.equal(r.code, 42, p.err());
  assert.match(p.out(), /got-term/);
});

/**
 * Installs of several tools download at once (issue 20, item 3; app/project/install.ts runs up to 4):
 * the fake upstream holds each tool's download, and both requests must be waiting together, which
 * a one-after-the-other install never does (it waits on the first forever). A failure in one
 * download leaves nothing half-installed: the other tool, already downloading, is installed whole
 * (receipt, every file as recorded) or not at all, and no temp dir or lock is left.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { useFakeUpstream } from "../support/use-fake-upstream.js";
import { waitFor } from "../support/wait.js";
import { assertOk as ok, sandbox, type RunResult } from "../helpers/cli.js";

const fake = useFakeUpstream({ node: ["20.18.0"], zig: ["0.13.0"] });

const NODE_DOWNLOAD = /\/node-v20\.18\.0-[a-z]+-[a-z0-9]+\.tar\.(xz|gz)$/;
const ZIG_DOWNLOAD = /\/zig-[a-z0-9_]+-[a-z0-9_]+-0\.13\.0\.(tar\.xz|zip)$/;
const CONFIG = `export default { tools: { zig: "0.13", node: "20" } };\n`;

/** The store's entries as tool-version, sorted. */
const names = (sb: ReturnType<typeof sandbox>) => sb.storeEntries().map((e) => e.replace(/^[0-9a-z]{32}-/, "")).sort();

/** The command must not end before `p` (its download was asked for). */
const before = <T>(p: Promise<T>, run: Promise<RunResult>, what: string) =>
  Promise.race([p, run.then((r) => assert.fail(`install ended before ${what}: exit ${r.code}\n${r.stderr}`))]);

/** Every store entry is complete: `devenv store verify` checks each file against its receipt. */
async function assertStoreWhole(sb: ReturnType<typeof sandbox>): Promise<void> {
  const store = join(sb.home, "store");
  const stray = existsSync(store) ? readdirSync(store).filter((n) => n.startsWith(".tmp-")) : [];
  assert.deepEqual(stray, [], "no temp dir left in the store");
  const locks = join(store, ".locks");
  assert.deepEqual(existsSync(locks) ? readdirSync(locks) : [], [], "every install lock released");
  for (const e of sb.storeEntries()) assert.ok(existsSync(join(store, e, ".devenv-receipt.json")), `${e} has its receipt`);
  const v = await sb.run(["store", "verify"]);
  assert.equal(v.code, 0, `store verify: ${v.stdout}${v.stderr}`);
}

test("two tools' downloads are in flight at the same time", { timeout: 120_000 }, async () => {
  const sb = sandbox(fake.mirrors);
  await sb.writeConfig(CONFIG);
  ok(await sb.run(["lock"]));
  const node = fake.hold(NODE_DOWNLOAD);
  const zig = fake.hold(ZIG_DOWNLOAD);
  let run: Promise<RunResult> | undefined;
  try {
    run = sb.run(["install"]);
    // Neither is answered until both were asked for: only downloads that overlap get here.
    const both = Promise.all([node.arrived, zig.arrived]);
    // Sequential installs wait on the first held download forever: a wide bound ends that wait.
    const stuck = new Promise<never>((_, reject) => setTimeout(() => reject(new Error("after 30 s only one download was asked for: the installs did not overlap")), 30_000).unref());
    await before(Promise.race([both, stuck]), run, "both downloads were waiting at once");
  } finally {
    node.release();
    zig.release();
  }
  ok(await run);
  assert.deepEqual(names(sb), ["node-20.18.0", "zig-0.13.0"]);
  await assertStoreWhole(sb);
});

test("a failed download among parallel ones: the other is installed whole, nothing is left half-done", { timeout: 120_000 }, async () => {
  const sb = sandbox(fake.mirrors);
  await sb.writeConfig(CONFIG);
  ok(await sb.run(["lock"]));
  fake.tamper(ZIG_DOWNLOAD); // a checksum mismatch: permanent, not retried
  const node = fake.hold(NODE_DOWNLOAD);
  let run: Promise<RunResult> | undefined;
  try {
    run = sb.run(["install"]);
    await before(node.arrived, run, "node's download was waiting");
    // zig failed while node's download was still open.
    await before(waitFor("zig's download answered", () => fake.count(ZIG_DOWNLOAD) > 0), run, "zig was downloaded");
    await new Promise((r) => setTimeout(r, 300));
  } finally {
    node.release();
    fake.reset();
  }
  const r = await run;
  assert.notEqual(r.code, 0, "the install failed");
  assert.match(r.stderr, /checksum mismatch for \S*zig/);
  assert.ok(!names(sb).includes("zig-0.13.0"), `zig is not in the store: ${names(sb).join(", ")}`);
  await assertStoreWhole(sb);
  // The next install only has zig left to do, and does it.
  ok(await sb.run(["install"]));
  assert.deepEqual(names(sb), ["node-20.18.0", "zig-0.13.0"]);
  await assertStoreWhole(sb);
});

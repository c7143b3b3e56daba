/**
 * Commands that must say what is wrong (issue 15, item 4), tried as a new user would: `init` then
 * `add`, a devenv.ts with a missing comma, `status` with a failed install or a syntax error,
 * `env` inside a shell whose hook already applied the project.
 */
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { startFakeUpstream, type FakeUpstream } from "../support/fake-upstream.js";
import { assertNoExternalRequests, installNetGuard } from "../support/net-guard.js";
import { assertOk, sandbox, type Sandbox } from "../helpers/cli.js";

installNetGuard();
let fake: FakeUpstream;

before(async () => {
  fake = await startFakeUpstream({ node: ["20.18.0"], zig: ["0.13.0"] });
});
after(async () => {
  await fake.close();
  assertNoExternalRequests();
});

const fresh = async (src?: string): Promise<Sandbox> => {
  const sb = sandbox(fake.mirrors);
  mkdirSync(sb.project, { recursive: true });
  if (src !== undefined) await sb.writeConfig(src);
  return sb;
};
const read = (sb: Sandbox, f: string) => readFileSync(join(sb.project, f), "utf8");

/** The lines of `after` that are not in `before`, and those of `before` gone from `after` (a line diff of two small files). */
function lineDiff(before: string, after: string): { added: string[]; removed: string[] } {
  const a = before.split("\n");
  const b = after.split("\n");
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  let j = 0;
  while (j < a.length - i && j < b.length - i && a[a.length - 1 - j] === b[b.length - 1 - j]) j++;
  return { removed: a.slice(i, a.length - j), added: b.slice(i, b.length - j) };
}

test("init writes the shape add keeps: the first add changes only the line it adds", async () => {
  const sb = await fresh();
  assertOk(await sb.run(["init"]));
  const initial = read(sb, "devenv.ts");
  assertOk(await sb.run(["add", "node@20"]));
  assert.deepEqual(lineDiff(initial, read(sb, "devenv.ts")), { added: [`    node: "20",`], removed: [] });
  // And the next one too.
  const one = read(sb, "devenv.ts");
  assertOk(await sb.run(["add", "zig@0.13"]));
  assert.deepEqual(lineDiff(one, read(sb, "devenv.ts")), { added: [`    zig: "0.13",`], removed: [] });
});

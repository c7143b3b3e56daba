/** Trust over devenv.ts and its imports: what allowOwnEdit may approve, and how a change is described. */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { createContext } from "../../src/app/context.js";
import { allowOwnEdit, configTrust, loadConfig, setTrust } from "../../src/app/project/trust.js";
import { contentHash, writeTrust } from "../../src/state/trust.js";

function world(files: Record<string, string>) {
  const base = mkdtempSync(join(tmpdir(), "devenv-trust-"));
  const root = join(base, "p");
  mkdirSync(root);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(root, name), text);
  const ctx = createContext({ cwd: root, env: { DEVENV_HOME: join(base, "home"), PATH: process.env.PATH } });
  return { root, ctx };
}

test("devenv's own edit of devenv.ts is allowed; a file it did not approve before is not, even if the new devenv.ts imports it", async () => {
  const before = `export default { env: { A: "1" } };\n`;
  const { root, ctx } = world({ "devenv.ts": before, "extra.ts": `export const x = "unreviewed";\n` });
  await setTrust(ctx, undefined, "allow");
  assert.equal((await configTrust(ctx, root)).state, "allowed");

  const same = `export default { env: { A: "2" } };\n`;
  writeFileSync(join(root, "devenv.ts"), same);
  await allowOwnEdit(ctx, root, await loadConfig(ctx, root, before), await loadConfig(ctx, root, same));
  assert.equal((await configTrust(ctx, root)).state, "allowed", "an edit of devenv.ts alone stays allowed");

  const importing = `import { x } from "./extra.ts";\nexport default { env: { A: x } };\n`;
  writeFileSync(join(root, "devenv.ts"), importing);
  await allowOwnEdit(ctx, root, await loadConfig(ctx, root, same), await loadConfig(ctx, root, importing));
  const t = await configTrust(ctx, root);
  assert.equal(t.state, "changed", "extra.ts was never allowed");
  assert.equal(t.detail, " (changed: devenv.ts; new: extra.ts)");
});

test("records from before imports were covered (sha256 of devenv.ts): still valid alone; a devenv.ts that imported helper.js needs a new allow, which names it", async () => {
  const alone = `export default {};\n`;
  const { root, ctx } = world({ "devenv.ts": alone });
  const real = realpathSync(root);
  await writeTrust(ctx.dirs.state, real, "allow", contentHash(alone));
  assert.equal((await configTrust(ctx, root)).state, "allowed");

  const importing = `import { v } from "./h.js";\nexport default { env: { V: v } };\n`;
  writeFileSync(join(root, "devenv.ts"), importing);
  writeFileSync(join(root, "h.js"), `export const v = "1";\n`);
  await writeTrust(ctx.dirs.state, real, "allow", contentHash(importing));
  assert.deepEqual(await configTrust(ctx, root).then((t) => [t.state, t.detail]), ["changed", " (new: h.js)"]);
});

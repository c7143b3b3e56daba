/**
 * Issue 18: which cache a command uses. DEVENV_CACHE wins over the user's config file, which wins
 * over devenv.ts; `off` turns every cache off; pull is on and push off unless said; devenv.ts's URL
 * is checked where it is written and an oci-layout: dir is relative to the project.
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { chooseCache } from "../../src/app/cache/settings.js";
import { createContext } from "../../src/app/context.js";
import { normaliseConfig } from "../../src/config/normalise.js";

const FILE = "/p/devenv.ts";
const project = (cache: unknown) => normaliseConfig({ cache }, "/p", FILE);

function ctxWith(env: NodeJS.ProcessEnv, config?: unknown) {
  const home = mkdtempSync(join(tmpdir(), "devenv-cache-settings-"));
  if (config !== undefined) writeFileSync(join(home, "config.json"), JSON.stringify(config));
  return createContext({ cwd: home, env: { DEVENV_HOME: home, PATH: process.env.PATH, ...env } });
}

test("devenv.ts cache: defaults, the URL checked, an oci-layout: dir made absolute against the root", () => {
  assert.deepEqual(project({ url: "oci://ghcr.io/acme/cache" }).cache, { url: "oci://ghcr.io/acme/cache", pull: true, push: false });
  assert.deepEqual(project({ url: "oci-layout:vendor/tools", push: true, pull: false }).cache, { url: "oci-layout:/p/vendor/tools", pull: false, push: true });
  assert.throws(() => project({ url: "https://ghcr.io/acme/cache" }), (e: Error & { code?: string; hint?: string }) => {
    assert.equal(e.code, "CONFIG_SCHEMA");
    assert.match(e.message, /^\/p\/devenv\.ts: cache\.url: cache "https:\/\/ghcr\.io\/acme\/cache": not an oci:\/\//);
    assert.match(e.hint ?? "", /oci:\/\/host\[:port\]\/namespace\/repo/);
    return true;
  });
  assert.throws(() => project({ url: "oci://ghcr.io/a/b", pish: true }), /pish/);
  assert.equal(normaliseConfig({}, "/p", FILE).cache, undefined);
});

test("DEVENV_CACHE wins over the config file, which wins over devenv.ts; off turns every cache off", () => {
  const p = project({ url: "oci://project.example/team/cache", push: true });
  assert.deepEqual(chooseCache(ctxWith({}), p), { setting: p.cache, from: FILE });
  assert.equal(chooseCache(ctxWith({}), normaliseConfig({}, "/p", FILE)), undefined);

  const cfg = ctxWith({}, { cache: { url: "oci://user.example/me/cache", push: false } });
  assert.deepEqual(chooseCache(cfg, p)?.setting, { url: "oci://user.example/me/cache", pull: true, push: false }, "the user's push:false wins over devenv.ts's push:true");
  assert.match(chooseCache(cfg, p)!.from, /config\.json$/);

  const env = ctxWith({ DEVENV_CACHE: "oci+http://127.0.0.1:5000/ci/cache" }, { cache: { url: "oci://user.example/me/cache" } });
  assert.deepEqual(chooseCache(env, p), { setting: { url: "oci+http://127.0.0.1:5000/ci/cache", pull: true, push: false }, from: "DEVENV_CACHE" });

  for (const off of ["off", "0", "false", "OFF"]) assert.equal(chooseCache(ctxWith({ DEVENV_CACHE: off }, { cache: { url: "oci://u.example/a/b" } }), p), undefined, off);
});

test("a bad cache in the user config file is an error naming the file and the shape", () => {
  for (const bad of [{ cache: "oci://x/y" }, { cache: { url: 3 } }, { cache: { url: "oci://x/y", push: "yes" } }]) {
    assert.throws(() => ctxWith({}, bad), (e: Error & { code?: string; hint?: string }) => {
      assert.equal(e.code, "USAGE");
      assert.match(e.message, /config\.json: cache must be \{ "url"/);
      return true;
    });
  }
});

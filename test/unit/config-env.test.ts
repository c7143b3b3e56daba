/** `env` in devenv.ts may not set the loader's, the shells' or devenv's own variables (unsafeEnv unlocks the loader's). */
import assert from "node:assert/strict";
import { test } from "node:test";
import { envRefusal } from "../../src/config/env-names.js";
import { normaliseConfig } from "../../src/config/normalise.js";
import type { DevenvError } from "../../src/errors.js";
import { settableName } from "../../src/shell/activation.js";

const FILE = "/p/devenv.ts";
const load = (value: unknown) => normaliseConfig(value, "/p", FILE);

const LOADER = ["LD_LIBRARY_PATH", "LD_PRELOAD", "LD_AUDIT", "LD_DEBUG", "LD_BIND_NOW", "DYLD_INSERT_LIBRARIES", "DYLD_LIBRARY_PATH", "GCONV_PATH"];
const NEVER = [
  "BASH_ENV", "ENV", "ZDOTDIR", "SHELLOPTS", "BASHOPTS", "BASH_XTRACEFD", "PROMPT_COMMAND", "PS1", "PS4", "IFS", "FPATH", "fish_function_path",
  "UID", "EUID", "PPID", "USERNAME", "PWD", "OLDPWD", "SHLVL", "_", "SECONDS", "RANDOM",
  "DEVENV_STATE", "DEVENV_HOME", "__DEVENV_HOOK", "__dv_undo", "_devenv_hook",
];

test("every loader variable is refused, naming the field and the opt-in", () => {
  for (const name of LOADER) {
    assert.throws(() => load({ env: { [name]: "/x" } }), (e: DevenvError) => {
      assert.equal(e.code, "CONFIG_SCHEMA");
      assert.match(e.message, new RegExp(`^/p/devenv\\.ts: env\\.${name}: not settable from devenv\\.ts: the dynamic loader reads it`));
      assert.match(e.hint ?? "", new RegExp(`unsafeEnv: \\["${name}"\\]`));
      return true;
    });
  }
});

test("unsafeEnv lets exactly the listed loader variables through", () => {
  const cfg = load({ env: { LD_LIBRARY_PATH: "${root}/lib", A: "1" }, unsafeEnv: ["LD_LIBRARY_PATH"] });
  assert.deepEqual(cfg.env, { LD_LIBRARY_PATH: "${root}/lib", A: "1" });
  assert.throws(() => load({ env: { LD_PRELOAD: "x" }, unsafeEnv: ["LD_LIBRARY_PATH"] }), /env\.LD_PRELOAD: /);
});

test("shell start-up, shell-managed and devenv's names are refused, and unsafeEnv cannot unlock them", () => {
  for (const name of NEVER) {
    assert.throws(() => load({ env: { [name]: "x" } }), (e: DevenvError) => {
      assert.match(e.message, new RegExp(`^/p/devenv\\.ts: env\\.${name}: not settable from devenv\\.ts: `));
      assert.match(e.hint ?? "", /^Use another name/);
      return true;
    }, name);
    assert.throws(() => load({ env: { [name]: "x" }, unsafeEnv: [name] }), (e: DevenvError) => {
      assert.match(e.message, /unsafeEnv\.0: expected a dynamic loader variable \(LD_\*, DYLD_\*, GCONV_PATH\)/);
      return true;
    }, name);
  }
});

test("ordinary names, including ones that merely look alike, are accepted", () => {
  const env = { PATH_EXTRA: "1", LDFLAGS: "-L/x", CC: "clang", GOFLAGS: "-mod=mod", ZIG_GLOBAL_CACHE_DIR: "/c", my_env: "x", BASH: "/bin/bash", PS: "x", PWD_HOME: "x", DEVENV: "x" };
  assert.deepEqual(load({ env }).env, env);
});

test("every name the hooks would drop from an activation is refused up front (no silent drop)", () => {
  for (const name of ["IFS", "PWD", "OLDPWD", "SHLVL", "_", "DEVENV_STATE", "__DEVENV_HOOK", "__dv_x", "_devenv_x"]) {
    assert.equal(settableName(name), false, name);
    assert.ok(envRefusal(name), name);
  }
});

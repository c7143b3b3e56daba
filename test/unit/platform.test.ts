import assert from "node:assert/strict";
import { test } from "node:test";
import { resolveDirs } from "../../src/platform/dirs.js";
import { nextLink } from "../../src/platform/http.js";
import { redirectTarget } from "../../src/platform/http-request.js";
import { applyMirrors, parseMirrors } from "../../src/platform/mirrors.js";
import { DevenvError, redactUrl } from "../../src/errors.js";

test("DEVENV_HOME relocates store, state and cache; otherwise XDG dirs", () => {
  assert.deepEqual(resolveDirs({ DEVENV_HOME: "/d" }), { store: "/d/store", state: "/d/state", cache: "/d/cache", configFile: "/d/config.json", global: "/d/global" });
  assert.deepEqual(resolveDirs({ HOME: "/h" }), {
    store: "/h/.local/share/devenv/store",
    state: "/h/.local/state/devenv",
    cache: "/h/.cache/devenv",
    configFile: "/h/.config/devenv/config.json",
    global: "/h/.config/devenv/global",
  });
  const x = resolveDirs({ HOME: "/h", XDG_DATA_HOME: "/xd", XDG_STATE_HOME: "/xs", XDG_CACHE_HOME: "/xc", XDG_CONFIG_HOME: "relative/ignored" });
  assert.deepEqual([x.store, x.state, x.cache, x.configFile], ["/xd/devenv/store", "/xs/devenv", "/xc/devenv", "/h/.config/devenv/config.json"]);
});

test("mirrors rewrite the longest matching prefix", () => {
  const m = parseMirrors("https://github.com=http://m/gh, https://github.com/Kitware=http://m/kw,https://nodejs.org/dist=http://m/node");
  assert.equal(applyMirrors("https://github.com/Kitware/CMake/x.tgz", m), "http://m/kw/CMake/x.tgz");
  assert.equal(applyMirrors("https://github.com/ninja-build/ninja/x.zip", m), "http://m/gh/ninja-build/ninja/x.zip");
  assert.equal(applyMirrors("https://nodejs.org/dist/index.json", m), "http://m/node/index.json");
  assert.equal(applyMirrors("https://ziglang.org/x", m), "https://ziglang.org/x");
  assert.throws(() => parseMirrors("https://a.example"), (e: DevenvError) => e.code === "USAGE" && /is not FROM=TO/.test(e.message));
  assert.deepEqual(parseMirrors(""), []);
});

test("Link headers: the rel=next target", () => {
  assert.equal(nextLink('<https://api.github.com/repositories/1/releases?page=2>; rel="next", <https://api.github.com/repositories/1/releases?page=5>; rel="last"'), "https://api.github.com/repositories/1/releases?page=2");
  assert.equal(nextLink('<https://x/?page=1>; rel="prev"'), undefined);
  assert.equal(nextLink(undefined), undefined);
});

test("credentials never reach messages", () => {
  assert.equal(redactUrl("https://user:pw@host/p?token=abc&x=1"), "https://***@host/p?token=***&x=1");
});

test("redirects: relative locations resolve against the hop, only http(s), never from https down to http", () => {
  const start = "https://github.com/o/r/releases/download/v1/a.tar.gz";
  assert.equal(redirectTarget(start, start, "https://objects.example.com/x?sig=1#frag"), "https://objects.example.com/x?sig=1");
  assert.equal(redirectTarget(start, start, "/o/r/other"), "https://github.com/o/r/other");
  assert.equal(redirectTarget("http://mirror.lan/a", "http://mirror.lan/a", "http://mirror.lan/b"), "http://mirror.lan/b");
  assert.equal(redirectTarget("http://mirror.lan/a", "http://mirror.lan/a", "https://up.example.com/b"), "https://up.example.com/b");
  assert.throws(() => redirectTarget(start, start, "http://objects.example.com/x"), (e: unknown) =>
    e instanceof DevenvError && /from https to plain http/.test(e.message) && /github\.com/.test(e.message));
  assert.throws(() => redirectTarget(start, start, "file:///etc/passwd"), (e: unknown) => e instanceof DevenvError && /unusable location/.test(e.message));
});

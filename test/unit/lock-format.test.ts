import assert from "node:assert/strict";
import { test } from "node:test";
import { DevenvError } from "../../src/errors.js";
import { parseLock, serializeLock } from "../../src/lock/format.js";
import type { LockFile } from "../../src/lock/types.js";

const lock: LockFile = {
  lockVersion: 1,
  tools: {
    zig: { version: "0.13.0", request: "0.13", source: "registry:zig", recipeRevision: 1, platforms: { "linux-x64": { url: "https://ziglang.org/download/0.13.0/zig-linux-x86_64-0.13.0.tar.xz", strip: 1, sha256: "d45312e61ebcc48032b77bc4cf7fd6915c11fa16e4aad116b66c9468211230ea", format: "tar.xz" } } },
    node: { request: "20", version: "20.18.0", source: "registry:node", recipeRevision: 1, platforms: {} },
  },
};

test("serialised lock has sorted keys at every level and ends with a newline", () => {
  const text = serializeLock(lock);
  assert.ok(text.endsWith("}\n"));
  assert.ok(text.indexOf('"node"') < text.indexOf('"zig"'));
  const zig = text.slice(text.indexOf('"zig"'));
  const keys = [...zig.matchAll(/^\s+"([\w-]+)":/gm)].map((m) => m[1]);
  assert.deepEqual(keys.slice(0, 5), ["platforms", "linux-x64", "format", "sha256", "strip"]);
  assert.equal(serializeLock(parseLock(text, "devenv.lock")), text, "round trip is byte-identical");
});

test("invalid locks are refused with the field path", () => {
  assert.throws(() => parseLock("{", "devenv.lock"), (e: DevenvError) => e.code === "LOCK_INVALID" && /not valid JSON/.test(e.message));
  const bad = JSON.parse(serializeLock(lock));
  bad.tools.zig.platforms["linux-x64"].sha256 = "xyz";
  assert.throws(() => parseLock(JSON.stringify(bad), "devenv.lock"), (e: DevenvError) => /tools\.zig\.platforms\.linux-x64\.sha256/.test(e.message));
});

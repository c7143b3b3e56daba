import assert from "node:assert/strict";
import { test } from "node:test";
import { DevenvError } from "../../src/errors.js";
import { checkEnvPlan, RESERVED_BYTES, type ExecLimits } from "../../src/env/limits.js";
import type { EnvPlan } from "../../src/env/plan.js";
import { safeText, showPath } from "../../src/text.js";

const LINUX: ExecLimits = { perString: 128 * 1024, total: 2048 * 1024 };
const plan = (p: Partial<EnvPlan>): EnvPlan => ({ path: [], prepend: {}, set: {}, ...p });
const where = (n: string) => `/p/devenv.ts: env.${n}`;
const refusal = (f: () => void, re: RegExp) =>
  assert.throws(f, (e: unknown) => e instanceof DevenvError && e.code === "ENV_INVALID" && re.test(e.message) && Boolean(e.hint));

test("checkEnvPlan: a variable the kernel would refuse (NAME=value and its NUL past 128 KiB) is refused, naming it", () => {
  const fits = "x".repeat(128 * 1024 - "BIG=".length - 1);
  checkEnvPlan(plan({ set: { BIG: fits, OTHER: fits.slice(2) } }), {}, LINUX, where);
  refusal(() => checkEnvPlan(plan({ set: { BIG: fits + "x" } }), {}, LINUX, where), /^\/p\/devenv\.ts: env\.BIG: BIG=… would be 128\.0 KiB; the kernel refuses/);
  // No per-variable limit (macOS): only the total counts.
  checkEnvPlan(plan({ set: { BIG: fits + "x" } }), {}, { perString: undefined, total: 1024 * 1024 }, where);
});

test("checkEnvPlan: a list variable counts with the entries already on it", () => {
  const base = { PATH: `/a/${"p".repeat(128 * 1024 - 20)}` };
  refusal(() => checkEnvPlan(plan({ path: ["/store/x/bin"] }), base, LINUX, where), /env\.PATH: PATH=… would be 128\.0 KiB \(with the entries already on PATH\)/);
  checkEnvPlan(plan({ path: ["/a/" + "p".repeat(128 * 1024 - 20)] }), base, LINUX, where); // already there: not added again
});

test("checkEnvPlan: a total past ARG_MAX (with room for arguments and DEVENV_STATE) is refused, naming the largest", () => {
  const v = "y".repeat(100 * 1024);
  const set = Object.fromEntries(Array.from({ length: 18 }, (_, i) => [`V${i}`, v]));
  refusal(() => checkEnvPlan(plan({ set }), { HOME: "/h" }, LINUX, where), /^the environment would be .* KiB with this project's variables \(largest: \/p\/devenv\.ts: env\.V\d+ \(100\.0 KiB\), .*over the 2048\.0 KiB/);
  const fewer = Object.fromEntries(Object.entries(set).slice(0, Math.floor((LINUX.total - RESERVED_BYTES) / (101 * 1024)) - 1));
  checkEnvPlan(plan({ set: fewer }), { HOME: "/h" }, LINUX, where);
});

test("checkEnvPlan: a list entry with ':' or a value with NUL cannot be represented and is refused, never dropped", () => {
  refusal(() => checkEnvPlan(plan({ path: ["/ok/bin", "/home/a:b/store/x/bin"] }), {}, LINUX, (n) => n), /^PATH: the directory '\/home\/a:b\/store\/x\/bin' contains ':', which separates PATH entries/);
  refusal(() => checkEnvPlan(plan({ prepend: { PKG_CONFIG_PATH: ["/x:y"] } }), {}, LINUX, (n) => n), /separates PKG_CONFIG_PATH entries/);
  refusal(() => checkEnvPlan(plan({ set: { A: "a\0b" } }), {}, LINUX, where), /env\.A: the value contains a NUL/);
  // Every other byte is fine, in values and in dirs.
  checkEnvPlan(plan({ path: ["/odd\x1f\x1d\n\t'\"$\\\x1b[1m/bin"], set: { A: "\x1f\x1d\n\x1b]0;t\x07" } }), {}, LINUX, where);
});

test("showPath escapes every control character (and then backslashes), safeText all but newline and tab", () => {
  assert.equal(showPath("/home/me/proj"), "/home/me/proj");
  assert.equal(showPath("/a\\b ü"), "/a\\b ü", "nothing to escape: as it is");
  assert.equal(showPath("/e\x1b]0;t\x07\x1b[2J\n\t\r\x7f\u009b\\x"), "/e\\x1b]0;t\\x07\\x1b[2J\\n\\t\\r\\x7f\\x9b\\\\x");
  assert.equal(safeText("line one /e\x1b[31m\nline two\ttab \u009b"), "line one /e\\x1b[31m\nline two\ttab \\x9b");
});

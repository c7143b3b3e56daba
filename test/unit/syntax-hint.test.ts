import assert from "node:assert/strict";
import { test } from "node:test";
import { missingCommaBefore } from "../../src/config/syntax-hint.js";

const src = (...lines: string[]) => lines.join("\n");

test("a closer expected at the first token of a line after a finished value: the comma missing at the end of that value's line", () => {
  const s = src(`export default {`, `  tools: {`, `    node: "20"   // lts, not "latest"`, ``, `    /* pinned */`, `    zig: "0.13",`, `  },`, `};`);
  assert.deepEqual(missingCommaBefore(s, `Expected "}" but found "zig"`, 6, 4), { line: 3, column: 15 });
  // Lists and call arguments too; values of every kind.
  assert.deepEqual(missingCommaBefore(src(`[`, `  1`, `  2]`), `Expected "]" but found "2"`, 3, 2), { line: 2, column: 4 });
  assert.deepEqual(missingCommaBefore(src(`f({`, `  a: g()`, `  b: 1 })`), `Expected "}" but found "b"`, 3, 2), { line: 2, column: 9 });
  assert.deepEqual(missingCommaBefore(src(`x = {`, `  a: \`t\``, `  b: 1 }`), `Expected "}" but found "b"`, 3, 2), { line: 2, column: 9 });
  assert.deepEqual(missingCommaBefore("x = {\r\n  a: [1]\r\n  b: 1 }", `Expected "}" but found "b"`, 3, 2), { line: 2, column: 9 });
});

test("anything else is left to esbuild's own message", () => {
  const s = src(`x = {`, `  a: 1,`, `  b: 2 c: 3`, `}`);
  assert.equal(missingCommaBefore(s, `Expected "}" but found "c"`, 3, 7), undefined, "not the line's first token");
  assert.equal(missingCommaBefore(src(`x = {`, `  a:`, `  b: 1 }`), `Expected "}" but found "b"`, 3, 2), undefined, "the line before ends with ':'");
  assert.equal(missingCommaBefore(src(`x = {`, `  a: 1,`, `  b c }`), `Expected "}" but found "b"`, 3, 2), undefined, "it has its comma");
  assert.equal(missingCommaBefore(src(`x = {`, `  a: 1`, ``), `Expected "}" but found end of file`, 3, 0), undefined, "the end of the file");
  assert.equal(missingCommaBefore(src(`x = {`, `  a: "//" + 1`, `  b: 1 }`), `Expected ";" but found "b"`, 3, 2), undefined, "another message");
  assert.deepEqual(missingCommaBefore(src(`x = {`, `  a: "//"`, `  b: 1 }`), `Expected "}" but found "b"`, 3, 2), { line: 2, column: 10 }, "// inside a string is no comment");
});

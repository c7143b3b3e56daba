import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { decodeActivation, encodeActivation, type Activation } from "../../src/shell/activation.js";
import { parseState, type StateLayer } from "../../src/shell/state.js";
import { activationDir, currentActivationFile, writeActivation } from "../../src/state/activations.js";
import { contentHash, trustOf, writeTrust } from "../../src/state/trust.js";
import { projectRoots } from "../../src/config/find.js";

const tricky = "a b 'q' \"dq\" $HOME \\back\nnew line ✓ \x1f\x1d end\n";

const sample = (): Activation => ({
  status: "ok",
  message: "",
  tools: ["node@20.18.0", "zig@0.13.0"],
  dirs: ["/s/aaa-node-20.18.0", "/s/bbb-zig-0.13.0"],
  plan: {
    path: ["/s/aaa-node-20.18.0/bin", "/s/bbb-zig-0.13.0", "/s/odd\x1f\x1d\nbytes/bin"],
    prepend: { PKG_CONFIG_PATH: ["/s/ccc/lib/pkgconfig"] },
    set: { TRICKY: tricky, EMPTY: "", IFS: "x", DEVENV_STATE: "x", _devenv_key: "x" },
  },
});

test("an activation is NUL-separated data that decodes to what was encoded, minus what may not be set", () => {
  const text = encodeActivation(sample());
  assert.ok(text.startsWith("devenv-activation-1\0ok\0\0T\0node@20.18.0\0"));
  assert.ok(text.endsWith("\0"));
  const back = decodeActivation(text)!;
  assert.deepEqual(back.tools, ["node@20.18.0", "zig@0.13.0"]);
  assert.deepEqual(back.dirs, ["/s/aaa-node-20.18.0", "/s/bbb-zig-0.13.0"]);
  // Shell and hook variables are never set; a dir may hold any byte but NUL and ':'.
  assert.deepEqual(back.plan.set, { EMPTY: "", TRICKY: tricky });
  assert.deepEqual(back.plan.path, ["/s/aaa-node-20.18.0/bin", "/s/bbb-zig-0.13.0", "/s/odd\x1f\x1d\nbytes/bin"]);
  assert.deepEqual(back.plan.prepend, { PKG_CONFIG_PATH: ["/s/ccc/lib/pkgconfig"] });
  // T and D records come before S and P (the hooks rely on it to skip them quickly).
  const fields = text.split("\0");
  const firstSet = fields.indexOf("S");
  assert.ok(fields.lastIndexOf("D") < firstSet && fields.lastIndexOf("T") < firstSet);
  assert.equal(decodeActivation("garbage\0"), undefined);
});

test("a dir with ':' is never dropped from an activation unseen (checkEnvPlan refuses it first)", () => {
  const a = sample();
  a.plan.path.push("/s/has:colon/bin");
  assert.throws(() => encodeActivation(a), /contains ':'/);
});

test("I records (other inputs) come right after the D records and decode back", () => {
  const odd = "/p/lib \x1f\x1d\n'$\\mod.ts";
  const text = encodeActivation({ ...sample(), inputs: ["/p/helper.ts", odd] });
  const fields = text.split("\0");
  assert.equal(fields[fields.lastIndexOf("D") + 2], "I");
  assert.equal(fields.indexOf("I"), fields.lastIndexOf("D") + 2);
  assert.ok(fields.lastIndexOf("I") < fields.indexOf("S"));
  assert.deepEqual(decodeActivation(text)!.inputs, ["/p/helper.ts", odd]);
  assert.equal(decodeActivation(encodeActivation(sample()))!.inputs, undefined);
});

test("an activation's message is stored with its control characters escaped", () => {
  const text = encodeActivation({ ...sample(), status: "error", message: "devenv: /p/\x1b]0;x\x07: failed\n  hint" });
  assert.equal(decodeActivation(text)!.message, "devenv: /p/\\x1b]0;x\\x07: failed\n  hint");
});

test("DEVENV_STATE, as the hooks write it, parses with the separators inside values decoded", () => {
  const US = "\x1f";
  const enc = (v: string) => v.replaceAll("\x1d", "\x1d0").replaceAll("\x1f", "\x1d1").replaceAll("\n", "\x1d3");
  // Two layers, the first with a set (was unset), a set (was set, not exported), a set whose
  // values are in files, and a prepend.
  const act = "/act/p/with\x1fsep\n/.devenv.0123456789abcdef.act";
  const fields = [
    "devenv-state-2",
    "L", enc("/p/with\x1fsep\n"), enc(act),
    "S", "A", "0", "", enc(tricky),
    "S", "B", "2", enc("\x1d0 \x1d2 literal"), "",
    "S", "BIG", "1", "\x1d2" + enc("/v/p.12.34"), "\x1d2" + enc("/v\x1f/o.0123456789abcdef.BIG"),
    "P", "PATH", "1", enc("/s/x/bin:/s/y\n/bin"),
    "L", enc("/p/with\x1fsep\n/inner"), "/act/p/inner/.devenv.fedcba9876543210.act",
  ];
  const layers: StateLayer[] = [
    { root: "/p/with\x1fsep\n", activation: act, changes: [
      { kind: "set", name: "A", had: 0, previous: "", value: tricky },
      { kind: "set", name: "B", had: 2, previous: "\x1d0 \x1d2 literal", value: "" },
      { kind: "set", name: "BIG", had: 1, previous: { file: "/v/p.12.34" }, value: { file: "/v\x1f/o.0123456789abcdef.BIG" } },
      { kind: "prepend", name: "PATH", had: 1, added: "/s/x/bin:/s/y\n/bin" },
    ] },
    { root: "/p/with\x1fsep\n/inner", activation: "/act/p/inner/.devenv.fedcba9876543210.act", changes: [] },
  ];
  assert.deepEqual(parseState(fields.map((f) => f + US).join("")), layers);
  // What earlier hooks wrote still reads.
  assert.deepEqual(parseState(["devenv-state-1", "L", "/p", "/act/p/.devenv.0123456789abcdef.act", "S", "A", "0", "", "x"].map((f) => f + US).join("")), [
    { root: "/p", activation: "/act/p/.devenv.0123456789abcdef.act", changes: [{ kind: "set", name: "A", had: 0, previous: "", value: "x" }] },
  ]);
  assert.deepEqual(parseState(undefined), []);
  assert.deepEqual(parseState("something else" + US), []);
});

test("writeActivation: content-addressed generations, one current, old ones removed, dated above its inputs", () => {
  const act = mkdtempSync(join(tmpdir(), "devenv-act-"));
  const root = "/home/me/my proj";
  const inputs = Date.now() - 10_000;
  const a = writeActivation(act, root, "one\0", inputs);
  assert.equal(a.startsWith(activationDir(act, root) + "/.devenv."), true);
  assert.equal(currentActivationFile(act, root), a);
  assert.equal(readFileSync(a, "utf8"), "one\0");
  // Dated above the newest input, at the next whole second (read 10 s later): an edit after it is
  // newer than the cache, also for a shell whose -nt compares whole seconds.
  assert.equal(statSync(a).mtimeMs, (Math.floor(inputs / 1000) + 1) * 1000);
  // Read before that second had passed (by 50 ms): just above the input instead.
  const early = writeActivation(act, root, "one\0", inputs, { readAt: (Math.floor(inputs / 1000) + 1) * 1000 + 10 });
  assert.ok(statSync(early).mtimeMs > inputs && statSync(early).mtimeMs - inputs < 5);
  const b = writeActivation(act, root, "two\0", inputs);
  assert.notEqual(a, b);
  assert.equal(currentActivationFile(act, root), b);
  assert.deepEqual(readdirSync(activationDir(act, root)).filter((n) => n.endsWith(".act")), [b.split("/").pop()]);
  // The same content again: the same file, no new generation (shells keep what they applied).
  assert.equal(writeActivation(act, root, "two\0", inputs + 1000), b);
  // Inputs modified a moment ago might change again within the same clock tick: dated below them,
  // so the next prompt looks once more.
  const now = Date.now();
  writeActivation(act, root, "two\0", now - 5, { now });
  assert.ok(statSync(b).mtimeMs < now - 5);
  // The launcher's copy: written with its generation, replaced, gone with it or without one.
  const sh = (gen: string) => gen.replace(/\.act$/, ".sh");
  const c = writeActivation(act, root, "three\0", inputs, { launcher: "__dvf_v 1\n__dvf_e\n" });
  assert.equal(readFileSync(sh(c), "utf8"), "__dvf_v 1\n__dvf_e\n");
  const d = writeActivation(act, root, "four\0", inputs, { launcher: "__dvf_v 1\n__dvf_s A 'b'\n__dvf_e\n" });
  assert.deepEqual(readdirSync(activationDir(act, root)).filter((n) => n.endsWith(".sh")), [sh(d).split("/").pop()]);
  writeActivation(act, root, "four\0", inputs);
  assert.deepEqual(readdirSync(activationDir(act, root)).filter((n) => n.endsWith(".sh")), [], "a generation written without one has none");
  // "/" maps onto the activations dir itself.
  assert.equal(activationDir(act, "/"), act);
});

test("trust binds to the real path and the exact content", async () => {
  const state = mkdtempSync(join(tmpdir(), "devenv-trust-"));
  assert.equal(trustOf(state, "/p", contentHash("x")), "unknown");
  await writeTrust(state, "/p", "allow", contentHash("x"));
  assert.equal(trustOf(state, "/p", contentHash("x")), "allowed");
  assert.equal(trustOf(state, "/p", contentHash("x ")), "changed");
  assert.equal(trustOf(state, "/q", contentHash("x")), "unknown");
  await writeTrust(state, "/p", "deny", contentHash("x"));
  assert.equal(trustOf(state, "/p", contentHash("x")), "denied");
  assert.match(readFileSync(join(state, "trust", readdirSync(join(state, "trust"))[0]!), "utf8"), /"path": "\/p"/);
});

test("projectRoots lists every enclosing devenv.ts, outermost first", () => {
  const base = mkdtempSync(join(tmpdir(), "devenv-roots-"));
  mkdirSync(join(base, "a/b/c"), { recursive: true });
  writeFileSync(join(base, "a/devenv.ts"), "");
  writeFileSync(join(base, "a/b/c/devenv.ts"), "");
  mkdirSync(join(base, "a/b/devenv.ts")); // a directory of that name is not a config
  assert.deepEqual(projectRoots(join(base, "a/b/c")), [join(base, "a"), join(base, "a/b/c")]);
});

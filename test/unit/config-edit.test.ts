import { test } from "node:test";
import assert from "node:assert/strict";
import { parse } from "@babel/parser";
import { newConfigSource, removeTools, setTools } from "../../src/config/edit.js";
import { DevenvError } from "../../src/errors.js";

const src = (...lines: string[]): string => lines.join("\n") + "\n";
const reparse = (s: string) => parse(s, { sourceType: "module", plugins: ["typescript"], errorRecovery: false });

const BASE = src(
  `import { defineConfig } from "devenv";`,
  ``,
  `export default defineConfig({`,
  `  // compilers`,
  `  tools: {`,
  `    node: "20", /* lts */`,
  `    // the zig pin`,
  `    zig: { version: "0.13" },   // pinned`,
  `    "riscv64-linux-gnu-gcc": "13",`,
  `  },`,
  `  env: { FOO: "\${root}/x" },`,
  `});`,
);

test("newConfigSource writes a fresh config, quoting non-identifier names", () => {
  const out = newConfigSource([
    { name: "node", spec: "20" },
    { name: "riscv64-linux-gnu-gcc", spec: { version: "1.2.3", url: "https://e.org/a.tgz", sha256: "ab12" } },
  ]);
  assert.equal(
    out,
    src(
      `import { defineConfig } from "devenv";`,
      ``,
      `export default defineConfig({`,
      `  tools: {`,
      `    node: "20",`,
      `    "riscv64-linux-gnu-gcc": { version: "1.2.3", url: "https://e.org/a.tgz", sha256: "ab12" },`,
      `  },`,
      `});`,
    ),
  );
  assert.equal(newConfigSource([]), src(`import { defineConfig } from "devenv";`, ``, `export default defineConfig({`, `  tools: {`, `  },`, `});`));
});

test("setTools updates values in place and keeps every comment", () => {
  const out = setTools(BASE, [
    { name: "node", spec: "22" },
    { name: "zig", spec: "0.14" },
    { name: "riscv64-linux-gnu-gcc", spec: "14" },
  ]);
  assert.equal(out, BASE.replace(`"20"`, `"22"`).replace(`"0.13"`, `"0.14"`).replace(`"13"`, `"14"`));
});

test("setTools appends after the last property with a trailing comma", () => {
  const out = setTools(BASE, [{ name: "go", spec: "1.22" }, { name: "cmake-lint", spec: { version: "1.0", url: "https://x/y" } }]);
  assert.equal(
    out,
    BASE.replace(
      `    "riscv64-linux-gnu-gcc": "13",\n`,
      `    "riscv64-linux-gnu-gcc": "13",\n    go: "1.22",\n    "cmake-lint": { version: "1.0", url: "https://x/y" },\n`,
    ),
  );
});

test("setTools keeps single quotes, tabs and the no-trailing-comma style", () => {
  const input = src(`export default {`, `\ttools: {`, `\t\tnode: '20' // lts`, `\t}`, `} as const;`);
  const out = setTools(input, [{ name: "node", spec: "22" }, { name: "go", spec: "1.22" }]);
  assert.equal(out, src(`export default {`, `\ttools: {`, `\t\tnode: '22', // lts`, `\t\tgo: "1.22"`, `\t}`, `} as const;`));
  assert.equal(setTools(`export default { tools: { node: 'it\\'s' } };`, [{ name: "node", spec: "it's 2" }]), `export default { tools: { node: 'it\\'s 2' } };`);
});

test("setTools replaces only the version of an object spec", () => {
  const input = src(
    `export default defineConfig({`,
    `  tools: {`,
    `    zig: {`,
    `      version: '0.13', // bump me`,
    `      url: "https://example.org/zig.tar.xz",`,
    `    },`,
    `  },`,
    `});`,
  );
  assert.equal(setTools(input, [{ name: "zig", spec: "0.14" }]), input.replace(`'0.13'`, `'0.14'`));
  assert.equal(
    setTools(input, [{ name: "zig", spec: { version: "0.14", sha256: "ff" } }]),
    src(`export default defineConfig({`, `  tools: {`, `    zig: { version: "0.14", sha256: "ff" },`, `  },`, `});`),
  );
  assert.equal(
    setTools(`export default { tools: { zig: { url: "u" } } };`, [{ name: "zig", spec: "1" }]),
    `export default { tools: { zig: "1" } };`,
  );
});

test("setTools fills an empty tools object", () => {
  assert.equal(
    setTools(src(`export default defineConfig({`, `  tools: {},`, `});`), [{ name: "node", spec: "20" }]),
    src(`export default defineConfig({`, `  tools: {`, `    node: "20",`, `  },`, `});`),
  );
  assert.equal(
    setTools(src(`export default defineConfig({`, `  tools: {`, `    // none yet`, `  },`, `});`), [{ name: "node", spec: "20" }]),
    src(`export default defineConfig({`, `  tools: {`, `    // none yet`, `    node: "20",`, `  },`, `});`),
  );
  assert.equal(setTools(`export default defineConfig({ tools: {} });`, [{ name: "node", spec: "20" }]), `export default defineConfig({ tools: { node: "20" } });`);
});

test("setTools keeps one-line tools objects on one line", () => {
  const one = src(`export default defineConfig({`, `  tools: { node: "20" },`, `});`);
  assert.equal(setTools(one, [{ name: "go", spec: "1" }]), one.replace(`{ node: "20" }`, `{ node: "20", go: "1" }`));
  const trailing = `export default defineConfig({ tools: { node: "20", } });`;
  assert.equal(setTools(trailing, [{ name: "go", spec: "1" }]), `export default defineConfig({ tools: { node: "20", go: "1", } });`);
});

test("setTools finds the config through satisfies, as const and identifiers", () => {
  const satisfies = src(`export default defineConfig({`, `  tools: {`, `    node: "20",`, `  },`, `} satisfies DevenvConfig);`);
  assert.equal(setTools(satisfies, [{ name: "node", spec: "22" }]), satisfies.replace(`"20"`, `"22"`));
  const asConst = src(`export default {`, `  tools: { node: "20" } as const,`, `} as const;`);
  assert.equal(setTools(asConst, [{ name: "go", spec: "1" }]), asConst.replace(`"20" }`, `"20", go: "1" }`));
  const ident = src(
    `import { defineConfig } from "devenv";`,
    `const config = defineConfig({`,
    `  tools: {`,
    `    node: "20",`,
    `  },`,
    `});`,
    `export default config;`,
  );
  assert.equal(setTools(ident, [{ name: "go", spec: "1" }]), ident.replace(`"20",\n`, `"20",\n    go: "1",\n`));
  const plain = src(`const c = { tools: { node: "20" } };`, `export default c;`);
  assert.equal(setTools(plain, [{ name: "node", spec: "21" }]), plain.replace(`"20"`, `"21"`));
});

test("setTools adds a tools property first when there is none", () => {
  const input = src(`export default defineConfig({`, `  // environment`, `  env: {`, `    A: "1"`, `  }`, `});`);
  assert.equal(
    setTools(input, [{ name: "node", spec: "20" }, { name: "go", spec: "1" }]),
    src(`export default defineConfig({`, `  tools: {`, `    node: "20",`, `    go: "1"`, `  },`, `  // environment`, `  env: {`, `    A: "1"`, `  }`, `});`),
  );
  assert.equal(
    setTools(`export default defineConfig({});\n`, [{ name: "node", spec: "20" }]),
    src(`export default defineConfig({`, `  tools: {`, `    node: "20",`, `  },`, `});`),
  );
  assert.equal(setTools(`export default { env: {} };`, [{ name: "node", spec: "20" }]), `export default { tools: { node: "20" }, env: {} };`);
});

test("removeTools removes the first, middle, last and only properties", () => {
  const first = removeTools(BASE, ["node"]);
  assert.deepEqual(first.removed, ["node"]);
  assert.equal(first.source, BASE.replace(`    node: "20", /* lts */\n`, ""));
  assert.equal(removeTools(BASE, ["zig"]).source, BASE.replace(`    zig: { version: "0.13" },   // pinned\n`, ""));
  assert.equal(removeTools(BASE, ["riscv64-linux-gnu-gcc"]).source, BASE.replace(`    "riscv64-linux-gnu-gcc": "13",\n`, ""));
  const all = removeTools(BASE, ["node", "zig", "riscv64-linux-gnu-gcc", "absent"]);
  assert.deepEqual(all.removed, ["node", "zig", "riscv64-linux-gnu-gcc"]);
  assert.equal(
    all.source,
    src(`import { defineConfig } from "devenv";`, ``, `export default defineConfig({`, `  // compilers`, `  tools: {`, `    // the zig pin`, `  },`, `  env: { FOO: "\${root}/x" },`, `});`),
  );
  const only = src(`export default defineConfig({`, `  tools: {`, `    node: "20",`, `  },`, `});`);
  assert.equal(removeTools(only, ["node"]).source, src(`export default defineConfig({`, `  tools: {},`, `});`));
});

test("removeTools keeps the no-trailing-comma style and one-line objects", () => {
  const input = src(`export default {`, `\ttools: {`, `\t\tnode: '20',`, `\t\tgo: '1'\t// latest`, `\t}`, `}`);
  assert.equal(removeTools(input, ["go"]).source, src(`export default {`, `\ttools: {`, `\t\tnode: '20'`, `\t}`, `}`));
  const one = `export default defineConfig({ tools: { node: "20", go: "1", zig: "0.13" } });`;
  assert.equal(removeTools(one, ["node"]).source, `export default defineConfig({ tools: { go: "1", zig: "0.13" } });`);
  assert.equal(removeTools(one, ["zig"]).source, `export default defineConfig({ tools: { node: "20", go: "1" } });`);
  assert.equal(removeTools(`export default { tools: { node: "20" } };`, ["node"]).source, `export default { tools: {} };`);
  const braceLine = src(`export default {`, `  tools: { node: "20", // lts`, `    go: "1",`, `  },`, `};`);
  assert.equal(removeTools(braceLine, ["node"]).source, src(`export default {`, `  tools: {`, `    go: "1",`, `  },`, `};`));
  assert.deepEqual(removeTools(`export default { env: {} };`, ["node"]), { source: `export default { env: {} };`, removed: [] });
});

test("unsupported shapes throw CONFIG_EDIT with a hint", () => {
  for (const input of [
    `export default defineConfig({ tools: makeTools() });`,
    `export default defineConfig({ tools: { ...base, node: "20" } });`,
    `export default defineConfig({ ...shared });`,
    `export default makeConfig();`,
    `const x = 1;`,
  ]) {
    assert.throws(
      () => setTools(input, [{ name: "node", spec: "20" }], "/p/devenv.ts"),
      (e: unknown) =>
        e instanceof DevenvError &&
        e.code === "CONFIG_EDIT" &&
        /^\/p\/devenv\.ts: cannot edit .+ automatically$/.test(e.message) &&
        e.hint === `Edit devenv.ts by hand: add "node": "20" under tools.`,
      input,
    );
  }
  assert.throws(() => removeTools(`export default defineConfig({ tools: makeTools() });`, ["node"]), {
    code: "CONFIG_EDIT",
    message: "devenv.ts: cannot edit the tools object automatically",
    hint: `Edit devenv.ts by hand: remove "node" from tools.`,
  });
});

test("syntax errors report file:line:col", () => {
  const broken = src(`export default defineConfig({`, `  tools: {`, `    node: "20"`, `    go: "1",`, `  },`, `});`);
  for (const run of [() => setTools(broken, [{ name: "zig", spec: "1" }], "devenv.ts"), () => removeTools(broken, ["node"], "devenv.ts")]) {
    assert.throws(run, (e: unknown) => {
      assert.ok(e instanceof DevenvError);
      assert.equal(e.code, "CONFIG_SYNTAX");
      assert.equal(e.message, `devenv.ts:4:5: Unexpected token, expected ","`);
      assert.match(e.hint ?? "", /Fix the syntax error/);
      return true;
    });
  }
});

test("round trip: every edit still parses and setting the same value is a no-op", () => {
  const inputs = [
    BASE,
    newConfigSource([{ name: "node", spec: "20" }]),
    `export default defineConfig({});`,
    `export default { tools: {} } as const;`,
    src(`export default {`, `\ttools: {`, `\t\tnode: '20' // lts`, `\t}`, `}`),
    src(`const c = defineConfig({ tools: { "a-b": { version: "1" } } } satisfies X);`, `export default c;`),
    src(`export default defineConfig({`, `  tools: { node: "20" /* c */ },`, `  env: {},`, `});`).replaceAll("\n", "\r\n"),
  ];
  const tools = [
    { name: "node", spec: "20" },
    { name: "a-b", spec: "2" },
    { name: "zig", spec: { version: "0.13", url: "https://z/\"q\"" } },
  ];
  for (const input of inputs) {
    const set = setTools(input, tools);
    reparse(set);
    assert.equal(setTools(set, tools), set);
    const { source, removed } = removeTools(set, tools.map((t) => t.name));
    reparse(source);
    assert.deepEqual(removed, ["node", "a-b", "zig"]);
    if (input.includes("\r\n")) assert.ok(!/[^\r]\n/.test(set), "keeps CRLF line endings");
  }
});

import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { DevenvError } from "../errors.js";
import { writeFileAtomic } from "../platform/fs.js";
import * as defineModule from "./define.js";

const requireHere = createRequire(import.meta.url);

/**
 * Evaluate devenv.ts content and return its default export. The file is TypeScript; esbuild strips
 * the types. `import ... from "devenv"` resolves to our own defineConfig, so the file loads whether
 * or not the package is installed in the project. The caller reads the content once and checks it
 * against the trust store first: only content the user has allowed may come here.
 */
export async function evaluateConfigText(source: string, file: string, cacheDir?: string): Promise<unknown> {
  if (!cacheDir) return evaluateConfigSource(source, file);
  // The compiled JavaScript is cached by content: starting esbuild's service costs ~30 ms a run.
  const esbuildVersion = (requireHere("esbuild/package.json") as { version: string }).version;
  const key = createHash("sha256").update(`${esbuildVersion}\0${file}\0${source}`).digest("hex").slice(0, 32);
  const cached = join(cacheDir, "config-js", `${key}.js`);
  let code = await readFile(cached, "utf8").catch(() => undefined);
  if (code === undefined) {
    code = await compileConfig(source, file);
    await writeFileAtomic(cached, code, { fsync: false }).catch(() => {});
  }
  return runConfig(code, file);
}

export async function evaluateConfigSource(source: string, file: string): Promise<unknown> {
  return runConfig(await compileConfig(source, file), file);
}

/** TypeScript → CommonJS with an inline source map; a syntax error names file:line:col. */
async function compileConfig(source: string, file: string): Promise<string> {
  // require, not import(): importing CommonJS from ESM runs Node's export lexer over esbuild's
  // 100 KB main.js, ~40 ms on every devenv start.
  const { transform } = requireHere("esbuild") as typeof import("esbuild");
  let code: string;
  try {
    const out = await transform(source, {
      loader: "ts",
      format: "cjs",
      target: "node20",
      sourcefile: file,
      sourcemap: "inline",
      logLevel: "silent",
    });
    code = out.code;
  } catch (e) {
    const first = (e as { errors?: Array<{ text: string; location?: { line: number; column: number } | null }> }).errors?.[0];
    if (first) {
      const where = first.location ? `${file}:${first.location.line}:${first.location.column + 1}` : file;
      throw new DevenvError("CONFIG_SYNTAX", `${where}: ${first.text}`, { hint: "Fix the syntax error in devenv.ts." });
    }
    throw e;
  }
  return code;
}

async function runConfig(code: string, file: string): Promise<unknown> {
  const requireFromFile = createRequire(file);
  const req = (id: string) => (id === "devenv" || id === "devenv/config" ? defineModule : requireFromFile(id));
  const mod: { exports: Record<string, unknown> } = { exports: {} };
  process.setSourceMapsEnabled(true);
  try {
    // A line break in the path would end the comment and turn the rest of the path into code.
    const url = file.replace(/[\n\r\u2028\u2029]/g, (c) => encodeURIComponent(c));
    const fn = new Function("exports", "require", "module", "__filename", "__dirname", `${code}\n//# sourceURL=${url}`);
    fn(mod.exports, req, mod, file, file.replace(/\/[^/]*$/, ""));
    let value: unknown = (mod.exports as { default?: unknown }).default ?? (mod.exports.__esModule ? undefined : mod.exports);
    if (typeof value === "function") value = await (value as () => unknown)();
    return await value;
  } catch (e) {
    throw new DevenvError("CONFIG_EVAL", `${file}: evaluating devenv.ts failed: ${(e as Error)?.message ?? e}`, {
      cause: e,
      hint: `${firstStackLine(e, file) ?? ""}Fix the error in devenv.ts and run the command again.`.trim(),
    });
  }
}

function firstStackLine(e: unknown, file: string): string | undefined {
  const stack = (e as Error)?.stack ?? "";
  const line = stack.split("\n").find((l) => l.includes(file));
  const m = line ? /:(\d+):(\d+)\)?$/.exec(line) : null;
  return m ? `at ${file}:${m[1]}:${m[2]}. ` : undefined;
}

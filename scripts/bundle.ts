/**
 * Bundle the CLI into dist/bundle/ (run by `npm run build`, after tsc). Start-up was dominated by
 * ESM loading of ~150 small files; the bundle is main.js plus lazily imported chunks (one per
 * command, per recipe, per lazily loaded package, and shared code), so `exec` loads ~15 files.
 * bin/devenv.js runs dist/bundle/main.js unless it is missing or older than tsc's last build;
 * then dist/src/cli/main.js. See docs/decisions.md.
 */
import { createHash } from "node:crypto";
import { build, type Metafile, type OutputFile, type Plugin } from "esbuild";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const repo = fileURLToPath(new URL("../..", import.meta.url));
const outdir = join(repo, "dist/bundle");

/**
 * Not bundled: esbuild (a native binary found relative to its package; loaded lazily by
 * src/config/load.ts) and lzma-native (an N-API addon). Both resolve from node_modules at run time.
 */
export const EXTERNAL = ["esbuild", "lzma-native"];

/**
 * Left out of the hook-env bundle, required from node_modules if ever needed: packages only an
 * install or a network request loads (the first visit of an installed project does neither). Each
 * byte of that one file is read, and its cache loaded, at every first visit.
 */
const HOOK_ENV_EXTERNAL = ["undici", "yaml", "tar", "yauzl", "smol-toml", "fzstd"];

/** CommonJS packages in an ESM bundle call `require` for Node built-ins; give every chunk one. */
const BANNER =
  'import { createRequire as __devenvCreateRequire } from "node:module"; const require = __devenvCreateRequire(import.meta.url);';

/**
 * With code splitting, esbuild turns `await import("cjs-package")` into a chunk whose only export
 * is `default` (module.exports), so `const { request } = await import("undici")` gets undefined;
 * Node gives such an import named exports too. For a dynamic import of a bundled CommonJS package,
 * import a shim instead that re-exports the names Node itself finds in the package (asked at build time).
 */
const cjsDynamicImports: Plugin = {
  name: "cjs-dynamic-imports",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.kind !== "dynamic-import" || args.namespace === "cjs-shim" || EXTERNAL.includes(args.path)) return undefined;
      const resolved = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, namespace: "cjs-shim" });
      if (resolved.errors.length || resolved.external || !isCommonJs(resolved.path)) return undefined;
      return { path: resolved.path, namespace: "cjs-shim", pluginData: { specifier: args.path } };
    });
    b.onLoad({ filter: /.*/, namespace: "cjs-shim" }, async (args) => {
      const names = Object.keys(await import(pathToFileURL(args.path).href)).filter((n) => n !== "default");
      const specifier = JSON.stringify((args.pluginData as { specifier: string }).specifier);
      const lines = [`const __cjs = require(${specifier});`, "export default __cjs;"];
      names.forEach((n, i) => lines.push(`const __cjs${i} = __cjs[${JSON.stringify(n)}];`, `export { __cjs${i} as ${JSON.stringify(n)} };`));
      return { contents: lines.join("\n"), resolveDir: dirname(args.path), loader: "js" };
    });
  },
};

/** Whether Node loads this file as CommonJS: .cjs, or .js without `"type": "module"` in the nearest package.json. */
function isCommonJs(file: string): boolean {
  if (file.endsWith(".cjs")) return true;
  if (!file.endsWith(".js")) return false;
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg)) return (JSON.parse(readFileSync(pkg, "utf8")) as { type?: string }).type !== "module";
    if (dirname(dir) === dir) return true;
  }
}

export async function bundle(): Promise<Metafile> {
  const hook = await hookEnvBundle();
  const result = await build({
    absWorkingDir: repo,
    // tree-worker: the unpacking thread (src/store/tree-lane.ts starts ./tree-worker.js beside the chunk that starts it).
    entryPoints: { main: "src/cli/main.ts", "tree-worker": "src/store/tree-worker.ts" },
    tsconfig: "tsconfig.json",
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    outdir,
    entryNames: "[name]",
    chunkNames: "[name]-[hash]",
    external: EXTERNAL,
    banner: { js: BANNER },
    plugins: [cjsDynamicImports],
    legalComments: "none",
    metafile: true,
    write: false,
    logLevel: "warning",
  });
  // Each file by rename, main.js last, then drop the chunks of earlier builds: a devenv started
  // during a rebuild finds the chunks its main.js names.
  mkdirSync(outdir, { recursive: true });
  const files = [...hook, ...[...result.outputFiles].sort((a, b) => Number(isEntry(a.path)) - Number(isEntry(b.path)))];
  for (const f of files) {
    const tmp = `${f.path}.tmp-${process.pid}`;
    writeFileSync(tmp, f.contents);
    renameSync(tmp, f.path);
  }
  const keep = new Set(files.map((f) => relative(outdir, f.path)));
  for (const name of readdirSync(outdir)) if (!keep.has(name)) rmSync(join(outdir, name), { recursive: true, force: true });
  return result.metafile;
}

const isEntry = (path: string) => relative(outdir, path) === "main.js";

/**
 * The shell hook's first visit (issue 20): hook-env-main.ts as one CommonJS file, named by a hash of
 * its content (its V8 code cache is keyed by that name), and hook-env.js, the small ES module that
 * bin/devenv.js runs for `hook-env`, which runs it with the code cache (src/cli/hook-env-entry.ts).
 * One file: Node's ES module loader costs ~1-2 ms per module, and the full CLI's hook-env loads ~45.
 * Every import() becomes a require (vm.Script has no module loader); import.meta.url is the file's URL.
 */
async function hookEnvBundle(): Promise<OutputFile[]> {
  const common = { absWorkingDir: repo, tsconfig: "tsconfig.json", bundle: true, platform: "node", target: "node20", legalComments: "none", write: false, logLevel: "warning" } as const;
  const cjs = await build({
    ...common,
    entryPoints: ["src/cli/hook-env-main.ts"],
    format: "cjs",
    outfile: join(outdir, "hook-env-main.cjs"),
    external: [...EXTERNAL, ...HOOK_ENV_EXTERNAL],
    supported: { "dynamic-import": false },
    define: { "import.meta.url": "__devenvImportMetaUrl" },
    // ASCII only (non-ASCII written as escapes, comments dropped): the entry reads it as latin1,
    // without UTF-8 decoding; and a third less to read at each start.
    charset: "ascii",
    minifyWhitespace: true,
    banner: { js: 'var __devenvImportMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
  });
  const main = cjs.outputFiles[0]!;
  if (main.contents.some((b) => b > 0x7f)) throw new Error("the hook-env bundle is not ASCII; src/platform/code-cache.ts reads it as latin1");
  const name = `hook-env-main-${createHash("sha256").update(main.contents).digest("hex").slice(0, 16)}.cjs`;
  const entry = await build({
    ...common,
    entryPoints: ["src/cli/hook-env-entry.ts"],
    format: "esm",
    outfile: join(outdir, "hook-env.js"),
    external: ["./main.js"],
    define: { DEVENV_HOOK_ENV_BUNDLE: JSON.stringify(name) },
  });
  // The CommonJS file first: a hook-env.js is never there before the file it names.
  return [{ ...main, path: join(outdir, name) } as OutputFile, entry.outputFiles[0]!];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const meta = await bundle();
  const outputs = Object.entries(meta.outputs);
  const bytes = outputs.reduce((n, [, o]) => n + o.bytes, 0);
  console.log(`bundled ${relative(repo, outdir)}/: ${outputs.length} files, ${(bytes / 1024).toFixed(0)} KiB`);
}

import { statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, extname, join } from "node:path";
import type { Message, Plugin } from "esbuild";
import { DevenvError } from "../errors.js";
import { missingCommaBefore } from "./syntax-hint.js";
import { FileShapeError, readRegularFile } from "../platform/fs.js";
import { readCachedBundle, writeCachedBundle } from "./bundle-cache.js";
import { CONFIG_FILE_MAX_BYTES, relPath, sha256Hex, sortInputs, type ConfigBundle, type ConfigEdge, type ConfigInput } from "./inputs.js";
import { LOADERS, resolveImport } from "./imports.js";

const requireHere = createRequire(import.meta.url);

export interface BundleOptions {
  /** Cache compiled configs here (<cacheDir>/config-js): starting esbuild's service costs ~30 ms. */
  cacheDir?: string;
  /** Use these bytes for devenv.ts instead of reading it (what devenv itself just wrote, or a test). */
  source?: string | Uint8Array;
}

/**
 * Read devenv.ts at root/`name` and every local file it imports, and compile them into one module.
 * A read error of devenv.ts itself is thrown (ENOENT: the project is gone); every other failure is
 * returned in `error`.
 */
export async function bundleConfig(root: string, file: string, opts: BundleOptions = {}): Promise<ConfigBundle> {
  const stat = opts.source === undefined ? statSync(file) : undefined;
  const main = typeof opts.source === "string" ? Buffer.from(opts.source) : (opts.source ?? readConfigFile(file, file));
  const first: ConfigInput = { path: file, rel: relPath(root, file), sha256: sha256Hex(main), mtimeMs: stat?.mtimeMs ?? 0 };
  const esbuildVersion = (requireHere("esbuild/package.json") as { version: string }).version;
  if (opts.cacheDir) {
    const hit = readCachedBundle(opts.cacheDir, esbuildVersion, root, first, main);
    if (hit) return hit;
  }
  const built = await build(root, first, main);
  if (opts.cacheDir && built.code !== undefined) writeCachedBundle(opts.cacheDir, esbuildVersion, built, main);
  return built;
}

/**
 * A file of the config, read only if it is a regular file of at most CONFIG_FILE_MAX_BYTES: an
 * import (or devenv.ts) linked to /dev/zero, /dev/tty or a FIFO must not hang the prompt that
 * reads it, before any trust check. A missing file throws ENOENT, as a read would.
 */
function readConfigFile(path: string, configFile: string): Buffer {
  let bytes: Buffer | undefined;
  try {
    bytes = readRegularFile(path, CONFIG_FILE_MAX_BYTES);
  } catch (e) {
    if (!(e instanceof FileShapeError)) throw e;
    throw new DevenvError("CONFIG_IMPORT", `${path}: ${e.reason}`, {
      hint: `devenv.ts and the files it imports must be regular files of at most 4 MiB; check ${relPath(dirname(configFile), path)}.`,
    });
  }
  if (!bytes) throw Object.assign(new Error(`ENOENT: no such file, open '${path}'`), { code: "ENOENT", path });
  return bytes;
}

async function build(root: string, first: ConfigInput, main: Uint8Array): Promise<ConfigBundle> {
  const read = new Map<string, ConfigInput>([[first.path, first]]);
  const edges = new Map<string, ConfigEdge>();
  /** The bytes of each imported file read (for an error's context). */
  const loaded = new Map<string, Uint8Array>([[first.path, main]]);
  const plugin: Plugin = {
    name: "devenv-config",
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind === "entry-point") return { path: first.path, namespace: "file" };
        const target = resolveImport(args.path, args.importer);
        if (target.kind === "refused") return { errors: [{ text: target.reason, detail: target.hint }] };
        if (target.kind !== "local") return { path: args.path, external: true };
        const edge: ConfigEdge = [relPath(root, args.importer), args.path, relPath(root, target.path)];
        edges.set(edge.join("\0"), edge);
        return { path: target.path, namespace: "file" };
      });
      b.onLoad({ filter: /.*/, namespace: "file" }, (args) => {
        let bytes: Uint8Array = main;
        if (args.path !== first.path) {
          const mtimeMs = statSync(args.path).mtimeMs;
          bytes = readConfigFile(args.path, first.path);
          loaded.set(args.path, bytes);
          read.set(args.path, { path: args.path, rel: relPath(root, args.path), sha256: sha256Hex(bytes), mtimeMs });
        }
        return { contents: bytes, loader: LOADERS[extname(args.path)] ?? "ts" };
      });
    },
  };
  // require, not import(): importing CommonJS from ESM runs Node's export lexer over esbuild's
  // 100 KB main.js, ~40 ms on every devenv start.
  const esbuild = requireHere("esbuild") as typeof import("esbuild");
  const result = (what: Partial<ConfigBundle>): ConfigBundle => ({
    root,
    file: first.path,
    inputs: sortInputs(first, read.values()),
    edges: [...edges.values()].sort((a, b) => (a.join("\0") < b.join("\0") ? -1 : 1)),
    ...what,
  });
  try {
    const out = await esbuild.build({
      entryPoints: [first.path],
      absWorkingDir: dirname(first.path),
      bundle: true,
      write: false,
      format: "cjs",
      platform: "node",
      target: "node20",
      // Every import() left after bundling (a built-in, or a path computed at run time) becomes a
      // require, which the config's own require answers (load.ts): no import() reaches Node's loader.
      supported: { "dynamic-import": false },
      sourcemap: "inline",
      sourcesContent: false,
      // Compile settings come from here alone, never from a tsconfig.json the hash does not cover.
      tsconfigRaw: "{}",
      logLevel: "silent",
      plugins: [plugin],
    });
    return result({ code: out.outputFiles[0]!.text });
  } catch (e) {
    const errors = (e as { errors?: Message[] }).errors;
    if (!errors?.length) throw e;
    return result({ error: buildError(errors[0]!, first.path, (path) => {
      const bytes = loaded.get(path);
      return bytes && Buffer.from(bytes).toString("utf8");
    }) });
  }
}

/**
 * An esbuild message as a DevenvError naming file:line:col (column 1-based). A comma missing at the
 * end of a line is named there, with esbuild's own position after it (`sourceOf`: the text of the
 * file the message is about, when at hand).
 */
function buildError(m: Message, file: string, sourceOf: (path: string) => string | undefined): DevenvError {
  const loc = m.location;
  const path = loc ? join(dirname(file), loc.file) : file;
  const where = loc ? `${path}:${loc.line}:${loc.column + 1}` : file;
  const name = loc ? relPath(dirname(file), path) : "devenv.ts";
  if (m.pluginName) {
    const hint = typeof m.detail === "string" ? m.detail : `Check that ${name} can be read.`;
    return new DevenvError("CONFIG_IMPORT", `${where}: ${m.text}`, { hint });
  }
  const source = loc ? sourceOf(path) : undefined;
  const comma = loc && source !== undefined ? missingCommaBefore(source, m.text, loc.line, loc.column) : undefined;
  if (comma) {
    return new DevenvError("CONFIG_SYNTAX", `${path}:${comma.line}:${comma.column}: missing comma after line ${comma.line}? (${where}: ${m.text})`, {
      hint: `Add a "," at the end of line ${comma.line} of ${name}, or fix the syntax error at line ${loc!.line}.`,
    });
  }
  return new DevenvError("CONFIG_SYNTAX", `${where}: ${m.text}`, { hint: `Fix the syntax error in ${name}.` });
}

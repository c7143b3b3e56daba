import { statSync } from "node:fs";
import { isBuiltin } from "node:module";
import { dirname, extname, resolve } from "node:path";

/**
 * What devenv.ts (and the files it imports) may import, and where a local import leads. The rules
 * are devenv's own, not Node's or esbuild's, so that the set of files going into a config depends
 * only on the import texts and on which files exist: a cached compile can be checked by resolving
 * its imports again (see bundle-cache.ts).
 */
export type ImportTarget =
  | { kind: "devenv" }
  | { kind: "builtin" }
  | { kind: "local"; path: string }
  | { kind: "refused"; reason: string; hint: string };

/** The file types a config may be made of, and how esbuild reads them. */
export const LOADERS: Record<string, "ts" | "js" | "json" | "text"> = {
  ".ts": "ts",
  ".mts": "ts",
  ".cts": "ts",
  ".js": "js",
  ".mjs": "js",
  ".cjs": "js",
  ".json": "json",
  // A project's own aqua registry (aquaRegistries), imported as its text.
  ".yaml": "text",
  ".yml": "text",
};

/** `./x.js` may name x.ts (TypeScript's convention of writing the output's extension). */
const TS_TWIN: Record<string, string> = { ".js": ".ts", ".mjs": ".mts", ".cjs": ".cts" };
const PROBE = [".ts", ".mts", ".cts", ".js", ".mjs", ".cjs", ".json"];

const FILE_HINT = `A config imports ${Object.keys(LOADERS).join(" ")} files by a path starting with ./ or ../ (./helper or ./helper.ts).`;

const isFile = (p: string) => statSync(p, { throwIfNoEntry: false })?.isFile() ?? false;

/** The files `./spec` may name, in the order they are tried. */
export function candidates(spec: string, importer: string): string[] {
  const base = resolve(dirname(importer), spec);
  const ext = extname(base);
  if (LOADERS[ext] && !spec.endsWith("/")) return TS_TWIN[ext] ? [base, base.slice(0, -ext.length) + TS_TWIN[ext]] : [base];
  return [...(spec.endsWith("/") ? [] : PROBE.map((e) => base + e)), `${base}/index.ts`, `${base}/index.js`];
}

export function resolveImport(spec: string, importer: string): ImportTarget {
  if (spec === "devenv" || spec === "devenv/config") return { kind: "devenv" };
  if (isBuiltin(spec)) return { kind: "builtin" };
  if (!/^\.\.?(\/|$)/.test(spec) && !spec.startsWith("/")) {
    return {
      kind: "refused",
      reason: `import "${spec}": a config does not load packages (only local files, Node built-ins and "devenv"): 'devenv allow' could not cover what they run`,
      hint: "Copy what the config needs from the package into a file next to devenv.ts and import that by its path (./name.ts): 'devenv allow' then covers it.",
    };
  }
  const tried = candidates(spec, importer);
  const found = tried.find(isFile);
  if (found) return { kind: "local", path: found };
  const ext = extname(spec);
  if (ext && !LOADERS[ext] && isFile(resolve(dirname(importer), spec))) {
    return { kind: "refused", reason: `import "${spec}": not a file type a config can import`, hint: FILE_HINT };
  }
  const odd = tried.find((t) => statSync(t, { throwIfNoEntry: false }) && !isFile(t));
  if (odd) {
    return { kind: "refused", reason: `import "${spec}": ${relativeTo(importer, odd)} is not a regular file (a device, FIFO or directory)`, hint: FILE_HINT };
  }
  return { kind: "refused", reason: `import "${spec}": no such file (tried ${tried.map((t) => relativeTo(importer, t)).join(", ")})`, hint: FILE_HINT };
}

function relativeTo(importer: string, file: string): string {
  const dir = dirname(importer);
  return file.startsWith(dir + "/") ? `./${file.slice(dir.length + 1)}` : file;
}

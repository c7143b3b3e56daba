import { createRequire, isBuiltin } from "node:module";
import { DevenvError } from "../errors.js";
import { bundleConfig } from "./bundle.js";
import * as defineModule from "./define.js";
import type { ConfigBundle } from "./inputs.js";

const requireHere = createRequire(import.meta.url);

/**
 * What a compiled config may `require` while it runs: "devenv" (our own defineConfig, so a project
 * needs no node_modules) and Node's built-ins. Local files were bundled into it at compile time from
 * the bytes the trust check covered; nothing else is loaded from disk behind that check's back.
 */
function configRequire(id: string): unknown {
  if (id === "devenv" || id === "devenv/config") return defineModule;
  if (isBuiltin(id)) return requireHere(id);
  throw new Error(
    `require(${JSON.stringify(id)}) at run time: a config loads only Node built-ins and "devenv" this way; import local files by a literal path (import "./helper.ts"), so that 'devenv allow' covers them`,
  );
}

/**
 * Run a compiled config (the caller checked its inputs with the trust store) and return its default
 * export, awaited; a default export that is a function is called. The compile turned every
 * `import()` into `require` (see bundle.ts), so an import of a path computed at run time reaches
 * `configRequire` and is refused instead of loading a file nobody allowed.
 */
export async function runConfig(bundle: ConfigBundle): Promise<unknown> {
  if (bundle.error || bundle.code === undefined) throw bundle.error ?? new Error("config not compiled");
  const file = bundle.file;
  const mod: { exports: Record<string, unknown> } = { exports: {} };
  process.setSourceMapsEnabled(true);
  try {
    // A line break in the path would end the comment and turn the rest of the path into code.
    const url = file.replace(/[\n\r\u2028\u2029]/g, (c) => encodeURIComponent(c));
    const fn = new Function("exports", "require", "module", "__filename", "__dirname", `${bundle.code}\n//# sourceURL=${url}`);
    fn(mod.exports, configRequire, mod, file, file.replace(/\/[^/]*$/, ""));
    let value: unknown = (mod.exports as { default?: unknown }).default ?? (mod.exports.__esModule ? undefined : mod.exports);
    if (typeof value === "function") value = await (value as () => unknown)();
    return await value;
  } catch (e) {
    throw new DevenvError("CONFIG_EVAL", `${file}: evaluating devenv.ts failed: ${(e as Error)?.message ?? e}`, {
      cause: e,
      hint: hintFor(e, bundle),
    });
  }
}

/** Compile and run devenv.ts content with no trust check and no cache (tests; `file` need not exist). */
export async function evaluateConfigSource(source: string, file: string): Promise<unknown> {
  return runConfig(await bundleConfig(file.replace(/\/[^/]*$/, "") || "/", file, { source }));
}

/** Where in the config's files the error was thrown (source-mapped), and what to do. */
function hintFor(e: unknown, bundle: ConfigBundle): string {
  for (const line of ((e as Error)?.stack ?? "").split("\n")) {
    const m = /\(?(\/[^()]*):(\d+):(\d+)\)?$/.exec(line.trim());
    const input = m && bundle.inputs.find((i) => i.path === m[1]);
    if (input) return `at ${m[1]}:${m[2]}:${m[3]}. Fix the error in ${input.rel} and run the command again.`;
  }
  return "Fix the error in devenv.ts and run the command again.";
}

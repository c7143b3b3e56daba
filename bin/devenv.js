#!/usr/bin/env node
import { statSync } from "node:fs";

// `npm run build` bundles the CLI into dist/bundle/ (scripts/bundle.ts), which starts much faster
// than tsc's output in dist/src/. Use tsc's output when there is no bundle, or when tsc ran after
// the bundle was made (a bare `tsc`, `tsc -w`): the bundle would then be stale.
const mtime = (path) => statSync(new URL(path, import.meta.url), { throwIfNoEntry: false })?.mtimeMs;
const bundled = mtime("../dist/bundle/main.js");
const compiled = mtime("../dist/.tsbuildinfo");
// The shell hook's `hook-env` has an entry of its own that loads far less (src/cli/hook-env-entry.ts).
const entry = process.argv[2] === "hook-env" && mtime("../dist/bundle/hook-env.js") !== undefined ? "hook-env.js" : "main.js";
const { main } = await import(bundled !== undefined && !(compiled > bundled) ? `../dist/bundle/${entry}` : "../dist/src/cli/main.js");

await main(process.argv);

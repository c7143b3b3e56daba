/** `npm run bench -- <name…>`: install, hook, exec, gc, watch, catalog, cache. Writes docs/benchmarks.md. */
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { benchCache } from "./cache.js";
import { benchCatalog } from "./catalog.js";
import { benchExec } from "./exec.js";
import { benchGc } from "./gc.js";
import { benchHook } from "./hook.js";
import { benchInstall } from "./install.js";
import { benchWatch } from "./watch.js";
import { updateSection } from "./markdown.js";

const repo = resolve(fileURLToPath(import.meta.url), "../../..");
const args = process.argv.slice(2);
const againstArg = args.find((a) => a.startsWith("--against="));
const benches: Record<string, (runs: number) => Promise<string>> = {
  install: (runs) => benchInstall(repo, runs, againstArg ? resolve(againstArg.slice(10)) : undefined),
  hook: (runs) => benchHook(repo, runs),
  exec: (runs) => benchExec(repo, runs),
  gc: (runs) => benchGc(repo, runs),
  watch: (runs) => benchWatch(repo, runs),
  catalog: (runs) => benchCatalog(repo, runs),
  cache: (runs) => benchCache(repo, runs),
};

const runsArg = args.find((a) => a.startsWith("--runs="));
const runs = runsArg ? Number(runsArg.slice(7)) : 5;
const names = args.filter((a) => !a.startsWith("--"));
for (const name of names.length ? names : Object.keys(benches)) {
  const bench = benches[name];
  if (!bench) {
    process.stderr.write(`unknown benchmark '${name}'; available: ${Object.keys(benches).join(", ")}\n`);
    process.exit(2);
  }
  process.stdout.write(`== ${name}\n`);
  const table = await bench(runs);
  process.stdout.write(`\n${table}\n`);
  updateSection(join(repo, "docs/benchmarks.md"), name, `## ${name}\n\n${table}\n\nRerun: \`npm run bench -- ${name}\` (\`--runs=N\` to change the count).`);
}

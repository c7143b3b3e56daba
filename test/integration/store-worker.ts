/**
 * A separate process for the store concurrency / crash tests (spawned by store-kit.ts startWorker):
 *   node dist/test/integration/store-worker.js '<json {store, mirrors, spec}>'
 * Runs ensureInstalled once and prints one JSON line: {dir, fresh, waited} or {error: {code, message, hint}}.
 * Like the real CLI (src/cli/common.ts) it removes its unfinished temp dirs on SIGINT and exits 130.
 */
import type { Reporter } from "../../src/reporter.js";
import { DevenvError } from "../../src/errors.js";
import { createHttp } from "../../src/platform/http.js";
import { parseMirrors } from "../../src/platform/mirrors.js";
import { ensureInstalled, type InstallSpec } from "../../src/store/install.js";
import { removeActiveTempsSync } from "../../src/store/temp.js";

interface Job {
  store: string;
  mirrors: string;
  spec: InstallSpec;
}

const print = (obj: unknown, code: number) => process.stdout.write(`${JSON.stringify(obj)}\n`, () => process.exit(code));

async function main(): Promise<void> {
  const arg = process.argv[2];
  if (!arg) {
    process.stderr.write("usage: node store-worker.js '<job json>'\n");
    process.exit(2);
  }
  const job = JSON.parse(arg) as Job;
  process.on("SIGINT", () => {
    removeActiveTempsSync();
    process.exit(130);
  });
  let waited = false;
  const reporter: Reporter = {
    download: () => ({ label: "", total: undefined, advance() {}, done() {}, fail() {} }),
    info: (m) => {
      if (m.startsWith("waiting for another devenv")) waited = true;
    },
    warn: (m) => process.stderr.write(`warn: ${m}\n`),
  };
  const http = createHttp({ mirrors: parseMirrors(job.mirrors), offline: false, backoffMs: 5 });
  try {
    const t = await ensureInstalled(job.store, http, job.spec, reporter);
    print({ dir: t.dir, fresh: t.fresh, waited }, 0);
  } catch (e) {
    const code = e instanceof DevenvError ? e.code : "UNEXPECTED";
    const hint = e instanceof DevenvError ? e.hint : undefined;
    print({ error: { code, message: e instanceof Error ? e.message : String(e), ...(hint ? { hint } : {}) } }, 1);
  }
}

void main();

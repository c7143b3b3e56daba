/**
 * Run in a child process by tls.test.ts, so that NODE_EXTRA_CA_CERTS (read by Node only at start-up)
 * makes the test registry's self-signed certificate trusted. Argument: JSON { url, credential?, file }.
 * Pushes the file as a blob, checks it is there and reads it back; prints one JSON line: the outcome,
 * or the CacheError's failure, message, hint and every text of it (for the secret check).
 */
import { readFileSync } from "node:fs";
import { openRegistry } from "../../src/cache/registry.js";
import type { RegistryCredential } from "../../src/cache/types.js";
import { parseCacheUrl } from "../../src/cache/url.js";
import { allText, readAll, sha256hex } from "./kit.js";

const arg = JSON.parse(process.argv[2] ?? "{}") as { url: string; credential?: RegistryCredential; file: string };
const loc = parseCacheUrl(arg.url) as Extract<ReturnType<typeof parseCacheUrl>, { kind: "registry" }>;
const store = openRegistry(loc, { credentials: { lookup: async () => arg.credential }, env: process.env });
const bytes = readFileSync(arg.file);
const sha = sha256hex(bytes);
try {
  await store.putBlob(sha, bytes.length, arg.file);
  const there = await store.hasBlob(sha);
  const got = await store.openBlob(sha);
  const same = got !== undefined && (await readAll(got.body)).equals(bytes);
  process.stdout.write(`${JSON.stringify({ ok: true, there, same })}\n`);
} catch (e) {
  const err = e as { failure?: string; message?: string; hint?: string };
  process.stdout.write(`${JSON.stringify({ ok: false, failure: err.failure, message: err.message, hint: err.hint, text: allText(e) })}\n`);
}

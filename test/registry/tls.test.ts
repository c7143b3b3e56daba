/**
 * The real registry with htpasswd basic auth over TLS (a self-signed certificate for 127.0.0.1). The
 * client runs in a child process (tls-child.ts) with NODE_EXTRA_CA_CERTS naming the certificate,
 * as devenv itself would: Node reads that variable only at start-up.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";
import { promisify } from "node:util";
import { assertNoExternalRequests, installNetGuard, netGuardEnv } from "../support/net-guard.js";
import { startRegistry, type RegistryServer } from "../support/registry.js";
import type { RegistryCredential } from "../../src/cache/types.js";
import { blobFile } from "./kit.js";

installNetGuard();
const PASSWORD = "tls-Secret-Pw-31337";
const child = fileURLToPath(new URL("./tls-child.js", import.meta.url));
let reg: RegistryServer;
before(async () => { reg = await startRegistry({ tls: { user: "alice", password: PASSWORD } }); });
after(async () => {
  await reg.stop();
  assertNoExternalRequests();
});

interface Outcome { ok: boolean; there?: boolean; same?: boolean; failure?: string; message?: string; hint?: string; text?: string }

async function run(credential: RegistryCredential | undefined, trust = true): Promise<Outcome> {
  const f = blobFile(5000);
  const env: NodeJS.ProcessEnv = { ...process.env, ...netGuardEnv() };
  if (trust) env.NODE_EXTRA_CA_CERTS = reg.caFile;
  else delete env.NODE_EXTRA_CA_CERTS;
  const { stdout } = await promisify(execFile)(process.execPath, [child, JSON.stringify({ url: reg.url, credential, file: f.path })], { env, timeout: 30_000 });
  return JSON.parse(stdout) as Outcome;
}

test("over TLS with the certificate trusted: no credentials → 'unauthorized' with a hint to log in", async () => {
  assert.match(reg.url, /^oci:\/\/127\.0\.0\.1:\d+\/team\/devenv$/);
  const r = await run(undefined);
  assert.equal(r.ok, false);
  assert.equal(r.failure, "unauthorized");
  assert.match(r.message ?? "", new RegExp(`^cache ${reg.url.replace(/\./g, "\\.")} refused to upload blob sha256:[0-9a-f]{12}… \\(HTTP 401 Unauthorized\\)`));
  assert.match(r.hint ?? "", /devenv has no credentials for 127\.0\.0\.1:\d+: run docker login/);
});

test("a wrong password → 'unauthorized' saying the credentials were refused, and the password is in no text of the error", async () => {
  const r = await run({ kind: "basic", username: "alice", password: `x${PASSWORD}` });
  assert.equal(r.failure, "unauthorized");
  assert.match(r.hint ?? "", /credentials devenv found for 127\.0\.0\.1:\d+ were refused/);
  assert.ok(!(r.text ?? "").includes(PASSWORD), r.text);
  assert.ok(!(r.text ?? "").includes(Buffer.from(`alice:x${PASSWORD}`).toString("base64")), r.text);
});

test("the right password: the blob goes up, is there, and comes back the same; the registry saw the 401 first", async () => {
  const r = await run({ kind: "basic", username: "alice", password: PASSWORD });
  assert.deepEqual(r, { ok: true, there: true, same: true });
  const served = reg.requests().filter((q) => q.path.includes("/blobs/"));
  assert.ok(served.some((q) => q.status === 401) && served.some((q) => q.method === "PUT" && q.status === 201), JSON.stringify(served));
});

test("without the certificate trusted: 'unreachable', saying the TLS certificate was not accepted and to use NODE_EXTRA_CA_CERTS", async () => {
  const r = await run({ kind: "basic", username: "alice", password: PASSWORD }, false);
  assert.equal(r.failure, "unreachable");
  assert.match(r.message ?? "", /its TLS certificate was not accepted \((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE)\)/);
  assert.match(r.hint ?? "", /NODE_EXTRA_CA_CERTS/);
  assert.ok(!(r.text ?? "").includes(PASSWORD));
});

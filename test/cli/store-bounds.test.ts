/**
 * Store bounds as a user meets them (issue 13): an inline tool (strip "auto" by default) whose
 * archive links out of its top directory is refused; a verified archive that unpacks to more than
 * DEVENV_UNPACK_LIMIT stops with an error saying so and what to do, and installs once the limit
 * allows it.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { gzip, gzipBomb, sha256hex, tarEntries } from "../support/archives.js";
import { assertOk, sandbox, type Sandbox } from "../helpers/cli.js";
import { useFakeUpstream } from "../support/use-fake-upstream.js";

const fake = useFakeUpstream();

/** A project with one inline tool `name` 1.0.0 served as a .tar.gz (strip "auto", the inline default). */
async function inlineProject(name: string, archive: Buffer) {
  fake.addFile(`/downloads.example.com/${name}-1.0.0-linux-x64.tar.gz`, archive);
  const sb = sandbox(fake.mirrors);
  mkdirSync(sb.project, { recursive: true });
  await sb.writeConfig(`export default {
  tools: {
    ${name}: { version: "1.0.0", url: "https://downloads.example.com/${name}-{version}-{os}-{arch}.tar.gz", sha256: { "linux-x64": "${sha256hex(archive)}" } },
  },
};
`);
  return sb;
}

/** No entry and no temp dir in the store (its bookkeeping dirs may exist). */
const nothingInStore = (sb: Sandbox) => {
  const store = join(sb.home, "store");
  return sb.storeEntries().length === 0 && (!existsSync(store) || !readdirSync(store).some((n) => n.startsWith(".tmp-")));
};

test("an inline tool whose archive has <top>/up -> .. is refused (it would point at the store once <top> is lifted)", async () => {
  const archive = gzip(tarEntries([
    { path: "linky-1.0.0/", type: "dir" },
    { path: "linky-1.0.0/bin/linky", mode: 0o755, content: "#!/bin/sh\necho hi\n" },
    { path: "linky-1.0.0/up", type: "symlink", linkname: ".." },
  ]));
  const sb = await inlineProject("linky", archive);
  const r = await sb.run(["install"]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /devenv: https:\/\/downloads\.example\.com\/linky-1\.0\.0-linux-x64\.tar\.gz: refusing entry 'linky-1\.0\.0\/up': symlink '\.\.' resolves outside the install directory\n/);
  assert.ok(nothingInStore(sb), "nothing installed");
});

test("DEVENV_UNPACK_LIMIT: a verified archive unpacking to more stops with the size, the limit and what to do; raised, it installs", async () => {
  const archive = await gzipBomb("big-1.0.0/share/zeros", 24 * 1024 * 1024, [
    { path: "big-1.0.0/", type: "dir" },
    { path: "big-1.0.0/bin/big", mode: 0o755, content: "#!/bin/sh\necho big\n" },
  ]);
  const sb = await inlineProject("big", archive);
  let r = await sb.run(["install"], { env: { DEVENV_UNPACK_LIMIT: "8M" } });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /devenv: big 1\.0\.0: unpacking: stopped after 8\.0 MB written: more than DEVENV_UNPACK_LIMIT \(8\.0 MB\)\n  hint: Nothing was installed\. If the tool really is this large, raise DEVENV_UNPACK_LIMIT/);
  assert.ok(nothingInStore(sb), "nothing installed");

  r = await sb.run(["install"], { env: { DEVENV_UNPACK_LIMIT: "10x" } });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /devenv: DEVENV_UNPACK_LIMIT: '10x' is not a size\n  hint: Give a size like 4G/);

  // A bad DEVENV_MIN_FREE is refused before anything is downloaded.
  const before = fake.count("/downloads.example.com/big-1.0.0-linux-x64.tar.gz");
  r = await sb.run(["install"], { env: { DEVENV_MIN_FREE: "lots" } });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /devenv: DEVENV_MIN_FREE: 'lots' is not a size\n  hint: Give a size like 200M/);
  assert.equal(fake.count("/downloads.example.com/big-1.0.0-linux-x64.tar.gz"), before, "not downloaded");

  r = await sb.run(["install"], { env: { DEVENV_UNPACK_LIMIT: "64M" } });
  assertOk(r);
  assert.equal((await sb.run(["exec", "--", "big"])).stdout, "big\n");
});

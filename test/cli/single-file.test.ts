/**
 * Inline tools whose URL is one compressed file or a .tar.bz2 (issue 17), as a user meets them:
 * `devenv install` locks the format from the URL's extension, the file becomes bin/<tool> as a
 * raw download does, and `devenv exec` runs it; a damaged download says which format failed.
 */
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { bzip2, gzip, sha256hex, tarEntries, viaTool } from "../support/archives.js";
import { assertOk, sandbox } from "../helpers/cli.js";
import { useFakeUpstream } from "../support/use-fake-upstream.js";

const fake = useFakeUpstream();

/** A project with one inline tool `name` 1.0.0 whose linux-x64 download is `body` at `<name>-1.0.0-linux-x64<ext>`. */
async function inlineProject(name: string, ext: string, body: Buffer) {
  fake.addFile(`/downloads.example.com/${name}-1.0.0-linux-x64${ext}`, body);
  const sb = sandbox(fake.mirrors);
  mkdirSync(sb.project, { recursive: true });
  await sb.writeConfig(`export default {
  tools: {
    ${name}: { version: "1.0.0", url: "https://downloads.example.com/${name}-{version}-{os}-{arch}${ext}", sha256: { "linux-x64": "${sha256hex(body)}" } },
  },
};
`);
  return sb;
}

const script = (name: string) => Buffer.from(`#!/bin/sh\necho "hello from ${name} $1"\n`);

test("an inline tool with a .gz URL: locked as gz, installed as bin/<tool> (executable), runs through exec", async () => {
  const sb = await inlineProject("gztool", ".gz", gzip(script("gztool")));
  assertOk(await sb.run(["install"]));
  const lock = JSON.parse(readFileSync(join(sb.project, "devenv.lock"), "utf8"));
  const locked = lock.tools.gztool.platforms["linux-x64"];
  assert.equal(locked.format, "gz");
  assert.equal(locked.url, "https://downloads.example.com/gztool-1.0.0-linux-x64.gz");
  const [entry] = sb.storeEntries();
  const dir = join(sb.home, "store", entry!);
  assert.deepEqual(readdirSync(dir).sort(), [".devenv-receipt.json", "bin"]);
  assert.deepEqual(readdirSync(join(dir, "bin")), ["gztool"]);
  assert.equal(statSync(join(dir, "bin/gztool")).mode & 0o777, 0o755);
  const r = await sb.run(["exec", "--", "gztool", "there"]);
  assertOk(r);
  assert.equal(r.stdout, "hello from gztool there\n");
});

test("an inline tool with a .bz2 URL and one with a .tar.bz2 URL install and run", async () => {
  let sb = await inlineProject("bztool", ".bz2", bzip2(script("bztool")));
  assertOk(await sb.run(["install"]));
  assert.equal((await sb.run(["exec", "--", "bztool", "1"])).stdout, "hello from bztool 1\n");

  const tar = tarEntries([
    { path: "tbz-1.0.0/", type: "dir" },
    { path: "tbz-1.0.0/bin/tbz", mode: 0o755, content: script("tbz") },
  ]);
  sb = await inlineProject("tbz", ".tar.bz2", bzip2(tar));
  assertOk(await sb.run(["install"]));
  assert.equal(JSON.parse(readFileSync(join(sb.project, "devenv.lock"), "utf8")).tools.tbz.platforms["linux-x64"].format, "tar.bz2");
  assert.equal((await sb.run(["exec", "--", "tbz", "2"])).stdout, "hello from tbz 2\n");
});

test("a truncated .xz download (its checksum pinned as published) fails naming the format; nothing installed", async () => {
  const whole = viaTool("xz", Buffer.concat([script("xztool"), Buffer.alloc(100_000, "x")]));
  const sb = await inlineProject("xztool", ".xz", whole.subarray(0, whole.length - 40));
  const r = await sb.run(["install"]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /devenv: xztool 1\.0\.0: https:\/\/downloads\.example\.com\/xztool-1\.0\.0-linux-x64\.xz cannot be unpacked as xz: .+\n  hint: Nothing was installed\. The archive matched its checksum/);
  assert.deepEqual(sb.storeEntries(), []);
});

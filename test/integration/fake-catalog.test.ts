/**
 * The fake catalogue upstreams (test/support/upstreams/catalog-tools.ts) are internally consistent and
 * true to their real data (test/fixtures/real/catalog-tools.json): each GitHub release lists exactly
 * the real asset names, each checksum document (parsed here in its real format, independently of the
 * code that writes it) holds the hash of the bytes served, the GitHub digest follows the 2025-06-03
 * era, archives unpack (with the system tar/unzip) to the layout the tool really ships and the
 * executable answers `--version`. The aqua registry snapshot is served byte for byte at its ref, and
 * names every tool. Each tool's shapes are printed.
 */
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { get as httpGet } from "node:http";
import { join } from "node:path";
import { after, test } from "node:test";
import { parse } from "yaml";
import { sha256hex } from "../support/archives.js";
import { AQUA_REGISTRY_REF, AQUA_REGISTRY_SHA256, aquaRegistryBytes } from "../support/upstreams/aqua-registry.js";
import { catalogTools, catalogUpstreams, CatalogRelease, type CatalogTool } from "../support/upstreams/catalog-tools.js";
import { hasDigest } from "../support/upstreams/github.js";
import { useFakeUpstream } from "../support/use-fake-upstream.js";
import { createHash } from "node:crypto";

const fake = useFakeUpstream({ catalog: true });
const TOOLS = catalogTools();
const work = mkdtempSync(join(tmpdir(), "devenv-fake-catalog-"));
after(() => rmSync(work, { recursive: true, force: true }));

/** GET on a fresh connection (a pooled one may have been closed by the server while the YAML parse blocked). */
function get(path: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    httpGet(fake.url(path), { agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    }).on("error", reject);
  });
}

interface ApiAsset { name: string; digest: string | null; browser_download_url: string }
interface ApiRelease { tag_name: string; published_at: string; assets: ApiAsset[] }

/** Every file under `dir`, relative, with `/`. */
function filesUnder(dir: string, prefix = ""): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]);
}

const normal = (p: string) => p.replace(/^\.\//, "");

/** Hashes a checksum document claims, parsed from its text in the tool's real format: name → { algo → hex }. */
function parseDoc(format: string, text: string, covers: readonly string[], algo: string, orderDoc?: string): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  const put = (name: string, a: string, hex: string) => (out.get(name) ?? out.set(name, new Map()).get(name)!).set(a, hex);
  const lines = text.split("\n").filter((l) => l !== "");
  if (format === "bare") {
    assert.match(text, /^[0-9a-f]+\n?$/, "a bare checksum file holds the hex alone");
    put(covers[0]!, algo, text.trim());
  } else if (format === "sha256sum") {
    for (const l of lines) {
      const m = /^([0-9a-f]{64}|[0-9a-f]{128}) [ *](.+)$/.exec(l);
      assert.ok(m, `not a sha256sum line: ${l}`);
      put(m[2]!, algo, m[1]!);
    }
  } else if (format === "bsd") {
    for (const l of lines) {
      const m = /^([A-Z0-9-]+) \((.+)\) = ([0-9a-f]+)$/.exec(l);
      assert.ok(m, `not a BSD checksum line: ${l}`);
      if (m[1] === "SHA256") put(m[2]!, "sha256", m[3]!);
      if (m[1] === "SHA512") put(m[2]!, "sha512", m[3]!);
    }
  } else if (format === "rhash") {
    // As public scripts read yq's file: the SHA-256 column is the line number of SHA-256 in checksums_hashes_order, plus one.
    const order = (orderDoc ?? "").split("\n");
    const col = order.indexOf("SHA-256") + 1;
    assert.equal(col, 18, "SHA-256 is rhash's 18th hash");
    for (const l of lines) {
      const f = l.split(/\s+/);
      put(f[0]!, "sha256", f[col]!);
    }
  } else assert.fail(`unknown format ${format}`);
  return out;
}

test("the aqua registry snapshot is served byte for byte at its pinned ref only", async () => {
  assert.equal(sha256hex(aquaRegistryBytes()), AQUA_REGISTRY_SHA256);
  const r = await get(`/raw.githubusercontent.com/aquaproj/aqua-registry/${AQUA_REGISTRY_REF}/registry.yaml`);
  assert.equal(r.status, 200);
  assert.equal(sha256hex(r.body), AQUA_REGISTRY_SHA256);
  assert.equal((await get("/raw.githubusercontent.com/aquaproj/aqua-registry/main/registry.yaml")).status, 404);
  assert.ok(fake.mirrors.includes("https://raw.githubusercontent.com="), "the registry host is in DEVENV_MIRRORS");
});

test("every catalogue tool has its entry in the real registry snapshot, of the right type", () => {
  const doc = parse(aquaRegistryBytes().toString("utf8")) as { packages: { name?: string; type: string; repo_owner?: string; repo_name?: string; url?: string }[] };
  assert.ok(TOOLS.length >= 15, `at least 15 tools (${TOOLS.length})`);
  for (const t of TOOLS) {
    const e = doc.packages.find((p) => (p.name ?? `${p.repo_owner}/${p.repo_name}`) === t.data.aqua);
    assert.ok(e, `${t.data.aqua} is in the snapshot`);
    assert.equal(e.type, t.data.http ? "http" : "github_release", t.data.aqua);
    assert.equal(`${e.repo_owner}/${e.repo_name}`, t.data.repo, `${t.data.aqua}: versions come from ${t.data.repo}`);
  }
});

test("the real pins and verified names of the data fixture are names of their releases", () => {
  for (const t of TOOLS) {
    for (const r of t.releases) {
      for (const n of Object.keys(r.data.sha256)) assert.ok(r.names.includes(n), `${t.data.id} ${r.data.tag}: pinned ${n}`);
      if (r.data.verified !== "all") for (const n of r.data.verified) assert.ok(r.names.includes(n), `${t.data.id} ${r.data.tag}: verified ${n}`);
      for (const n of Object.values(r.data.sha256)) assert.match(n, /^[0-9a-f]{64}$/);
    }
  }
});

async function checkRelease(t: CatalogTool, r: CatalogRelease, api: ApiRelease): Promise<string[]> {
  const notes: string[] = [];
  // Names: exactly the real list, in its order.
  assert.deepEqual(api.assets.map((a) => a.name), r.data.assets, `${t.data.id} ${r.data.tag}: asset names`);
  const served = new Map<string, Buffer>();
  for (const name of r.names) {
    const res = await get(r.fakePath(name));
    assert.equal(res.status, 200, `${r.fakePath(name)} is served`);
    served.set(name, res.body);
  }
  // Digests: only for uploads since 2025-06-03, and then the served bytes' sha256.
  for (const a of api.assets) {
    const want = hasDigest(r.data.publishedAt) ? `sha256:${sha256hex(served.get(a.name) ?? (await get(r.fakePath(a.name))).body)}` : null;
    assert.equal(a.digest, want, `${t.data.id} ${r.data.tag} ${a.name}: digest`);
  }
  for (const name of r.names) {
    const s = r.assetSpec(name);
    const body = served.get(name)!;
    if (s.role === "checksums") {
      const algo = s.algorithm ?? "sha256";
      const order = s.format === "rhash" ? served.get("checksums_hashes_order")?.toString() : undefined;
      const claims = parseDoc(s.format, body.toString("utf8"), s.covers, algo, order);
      assert.equal(claims.size, s.covers.length, `${name} lists each covered file once`);
      for (const c of s.covers) {
        const inDoc = s.format === "bare" ? c : (s.nameInDoc ?? ((p: string) => p.slice(p.lastIndexOf("/") + 1)))(c);
        const got = claims.get(inDoc);
        assert.ok(got, `${name} lists ${inDoc}`);
        for (const [a, hex] of got) assert.equal(hex, createHash(a).update(served.get(c)!).digest("hex"), `${name}: ${a} of ${c}`);
      }
      notes.push(s.covers.length === 1 ? `per-file .${name.slice(name.lastIndexOf(".") + 1)} (${s.format} format)` : `${name.slice(name.lastIndexOf("/") + 1)} (${s.format}, ${s.covers.length} files)`);
    } else if (s.role === "build") {
      const dir = mkdtempSync(join(work, `${t.data.id}-`));
      const file = join(dir, name.split("/").pop()!);
      writeFileSync(file, body);
      let exe = file;
      if (s.format !== "raw") {
        const out = join(dir, "x");
        execFileSync("mkdir", [out]);
        if (s.format === "zip") execFileSync("unzip", ["-q", file, "-d", out]);
        else execFileSync("tar", ["-xf", file, "-C", out]);
        assert.deepEqual(filesUnder(out).sort(), [s.exe, ...(s.extra ?? [])].map(normal).sort(), `${name}: archive layout`);
        exe = join(out, normal(s.exe));
        if (!s.windows) assert.ok((statSync(exe).mode & 0o111) !== 0, `${name}: ${s.exe} is executable`);
      }
      if (s.windows) {
        assert.ok(readFileSync(exe).toString().startsWith("MZ"), `${name}: ${s.exe} is a Windows stub`);
      } else {
        chmodSync(exe, 0o755);
        const run = spawnSync(exe, ["--version"], { encoding: "utf8" });
        assert.equal(run.status, 0, `${name} --version: ${run.stderr}`);
        assert.ok(run.stdout.includes(r.version), `${name} --version prints ${r.version}: ${run.stdout}`);
      }
    }
  }
  // What a correct lock picks exists, unpacks to the expected executable, and its checksum source lists it.
  for (const [plat, e] of Object.entries(r.data.expect)) {
    if (!e) continue;
    const where = `${t.data.id} ${r.data.tag} ${plat}`;
    assert.ok(r.names.includes(e.asset), `${where}: ${e.asset} is served`);
    const s = r.assetSpec(e.asset);
    assert.equal(s.role, "build", `${where}: ${e.asset} is a build`);
    if (s.role === "build") assert.equal(normal(s.exe), s.format === "raw" ? e.asset.split("/").pop() : e.exe, `${where}: executable`);
    if (e.checksum === "digest" || e.checksum === "first-download") {
      assert.equal(hasDigest(r.data.publishedAt), e.checksum === "digest", `${where}: ${e.checksum}`);
    } else {
      const doc = r.assetSpec(e.checksum);
      assert.ok(doc.role === "checksums" && doc.covers.includes(e.asset), `${where}: ${e.checksum} lists ${e.asset}`);
    }
    notes.push(`${plat} → ${e.asset.split("/").pop()} (${e.checksum.split("/").pop()})`);
  }
  const counts = new Map<string, number>();
  for (const n of notes) counts.set(n, (counts.get(n) ?? 0) + 1);
  return [...counts].map(([n, c]) => (c > 1 ? `${c} × ${n}` : n));
}

for (const t of TOOLS) {
  test(`${t.data.id} (${t.data.aqua}): real names, checksums agree with the bytes, archives unpack and run`, async (ctx) => {
    const list = await get(`/api.github.com/repos/${t.data.repo}/releases?per_page=100`);
    assert.equal(list.status, 200);
    const releases = JSON.parse(list.body.toString()) as ApiRelease[];
    assert.deepEqual(releases.map((r) => r.tag_name).sort(), t.releases.map((r) => r.data.tag).sort());
    const notes: string[] = [];
    for (const r of t.releases) {
      const api = releases.find((x) => x.tag_name === r.data.tag)!;
      assert.equal(api.published_at, r.data.publishedAt);
      notes.push(`${r.data.tag} (${r.data.publishedAt.slice(0, 10)}, ${hasDigest(r.data.publishedAt) ? "digests" : "no digests"}): ${r.names.length} names; ${(await checkRelease(t, r, api)).join("; ") || "no checksum file"}`);
    }
    const lines = [`${t.data.id} — ${t.data.aqua}${t.data.http ? ` (http: ${t.data.http})` : ""}`, ...t.spec.shapes.map((s) => `  shape: ${s}`), ...notes.map((n) => `  ${n}`)];
    for (const l of lines) ctx.diagnostic(l);
  });
}

test("realChecksums and realDigests put the published sha256 where the data fixture has one", async () => {
  const [ghTool] = catalogTools({ only: ["gh"], realChecksums: true });
  const r = ghTool!.releases.find((x) => x.data.tag === "v2.45.0")!;
  const doc = (await r.bytes("gh_2.45.0_checksums.txt")).toString();
  assert.ok(doc.includes("79e89a14af6fc69163aee00e764e86d5809d0c6c77e6f229aebe7a4ed115ee67  gh_2.45.0_linux_amd64.tar.gz"), doc);
  // Names without a published hash keep the served bytes' hash.
  assert.ok(doc.includes(`${sha256hex(await r.bytes("gh_2.45.0_windows_arm64.zip"))}  gh_2.45.0_windows_arm64.zip`));
});

test("realDigests reports the published sha256 as the digest of assets uploaded since 2025-06-03", async () => {
  const [jqRepo] = catalogUpstreams({ only: ["jq"], realDigests: true });
  const req = (path: string) => ({ method: "GET", url: path, path, query: new URLSearchParams(), headers: {} });
  const res = await jqRepo!.handle(req("/api.github.com/repos/jqlang/jq/releases/tags/jq-1.8.1"), { origin: "http://127.0.0.1:1" });
  const rel = JSON.parse(String(res?.body)) as ApiRelease;
  assert.equal(rel.assets.find((a) => a.name === "jq-linux-amd64")?.digest, "sha256:020468de7539ce70ef1bceaf7cde2e8c4f2ca6c3afb84642aabc5c97d9fc2a0d");
  const old = await jqRepo!.handle(req("/api.github.com/repos/jqlang/jq/releases/tags/jq-1.7.1"), { origin: "http://127.0.0.1:1" });
  assert.equal((JSON.parse(String(old?.body)) as ApiRelease).assets.find((a) => a.name === "jq-linux-amd64")?.digest, null, "1.7.1 predates digests");
});

/**
 * A test checksum table (DEVENV_TEST_CHECKSUM_TABLE, src/recipes/checksum-table.ts) holding the sha256
 * of what a fake GitHub serves: it stands in for a shipped table (whose values are those of the real
 * upstream files), so a test can install the fake's small archives under their real names.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FakeUpstream } from "./fake-upstream.js";

/** `assets`: [repo "owner/name", release tag, asset name] of each file the table lists. */
export async function writeTestChecksumTable(fake: FakeUpstream, tables: Record<string, Array<[repo: string, tag: string, asset: string]>>): Promise<string> {
  const doc: Record<string, Record<string, string>> = {};
  for (const [table, assets] of Object.entries(tables)) {
    const files: Record<string, string> = {};
    for (const [repo, tag, asset] of assets) files[`${tag}/${asset}`] = await fake.sha256(`/github.com/${repo}/releases/download/${tag}/${asset}`);
    doc[table] = files;
  }
  const file = join(mkdtempSync(join(tmpdir(), "devenv-table-")), "checksums.json");
  writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
  return file;
}

/**
 * The sha256 of the bytes a fake GitHub serves for an asset, after checking the API lists it as the
 * asset's digest exactly when GitHub would (uploads since 2025-06-03) and as null before.
 */
export async function servedSha256(fake: FakeUpstream, repo: string, tag: string, asset: string): Promise<string> {
  const rel = JSON.parse((await fake.get(`/api.github.com/repos/${repo}/releases/tags/${tag}`))!.toString("utf8")) as {
    assets: { name: string; digest: string | null; created_at: string }[];
  };
  const a = rel.assets.find((x) => x.name === asset);
  if (!a) throw new Error(`${repo} ${tag} has no asset ${asset}`);
  const served = await fake.sha256(`/github.com/${repo}/releases/download/${tag}/${asset}`);
  const want = a.created_at >= "2025-06-03" ? `sha256:${served}` : null;
  if (a.digest !== want) throw new Error(`${repo} ${tag}/${asset} (uploaded ${a.created_at}): digest ${a.digest}, expected ${want}`);
  return served;
}

/**
 * A test checksum table (DEVENV_TEST_CHECKSUM_TABLE, src/registry/checksum-table.ts) holding the sha256
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

/**
 * devenv import with the catalogue: asdf plugin names that are catalogue tools (github-cli → gh, jq,
 * shellcheck) are imported by devenv's name and locked from the aqua registry; a name the catalogue
 * lacks, or that names several packages, is reported as not mapped with devenv's own reason.
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { assertOk } from "../helpers/cli.js";
import { seedCatalog } from "../support/catalog-cache.js";
import { projectSandboxes } from "../support/project-sandbox.js";
import { useFakeUpstream } from "../support/use-fake-upstream.js";

const fake = useFakeUpstream({ catalog: true });
const fresh = projectSandboxes(() => fake.mirrors);

test("asdf plugin names become catalogue tools, locked from the aqua registry; unknown and ambiguous names are reported", async () => {
  const sb = await fresh();
  await seedCatalog(sb.home);
  writeFileSync(join(sb.project, ".tool-versions"), "github-cli 2.45.0\njq 1.8.1\nshellcheck v0.11.0\nnosuchtool-xyz 1.0.0\nrg 15\n");
  const r = await sb.run(["import", "--no-install"]);
  assertOk(r);
  assert.match(readFileSync(join(sb.project, "devenv.ts"), "utf8"), /tools: \{\n {4}gh: "2\.45\.0",\n {4}jq: "1\.8\.1",\n {4}shellcheck: "0\.11\.0",\n {2}\},/);
  const lock = JSON.parse(readFileSync(join(sb.project, "devenv.lock"), "utf8"));
  assert.deepEqual([lock.tools.gh.version, lock.tools.jq.version, lock.tools.shellcheck.version], ["v2.45.0", "1.8.1", "v0.11.0"]);
  assert.equal(lock.tools.gh.catalog.package, "cli/cli");
  assert.match(r.stdout, /^ {2}\.tool-versions:4: nosuchtool-xyz 1\.0\.0: unknown tool 'nosuchtool-xyz': no built-in recipe and no package of the aqua registry/m);
  assert.match(r.stdout, /^ {2}\.tool-versions:5: rg 15: rg is ambiguous: 2 packages of the aqua registry/m);
  assert.deepEqual(sb.storeEntries(), []);
});

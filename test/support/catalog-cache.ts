/**
 * The aqua registry snapshot compiled once per test process and copied into a sandbox's cache, so a
 * test about tools does not pay for parsing 3 MB of YAML in every DEVENV_HOME. Tests about fetching,
 * checking and compiling the registry itself do not seed.
 */
import { cpSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compiledDir, writeCompiled } from "../../src/app/catalog/compiled.js";
import { parseAquaRegistry } from "../../src/recipes/sources/aqua/registry-file.js";
import { AQUA_REGISTRY_FILE, AQUA_REGISTRY_SHA256 } from "./upstreams/aqua-registry.js";

let compiled: Promise<string> | undefined;

function compileOnce(): Promise<string> {
  compiled ??= (async () => {
    const cache = mkdtempSync(join(tmpdir(), "devenv-catalog-seed-"));
    await writeCompiled(cache, AQUA_REGISTRY_SHA256, parseAquaRegistry(readFileSync(AQUA_REGISTRY_FILE, "utf8")));
    return compiledDir(cache, AQUA_REGISTRY_SHA256);
  })();
  return compiled;
}

/** Put the compiled snapshot into `<home>/cache` (a sandbox's DEVENV_HOME). */
export async function seedCatalog(home: string): Promise<void> {
  cpSync(await compileOnce(), compiledDir(join(home, "cache"), AQUA_REGISTRY_SHA256), { recursive: true });
}

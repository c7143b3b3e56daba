/**
 * A store with many entries and many registered projects, built directly on disk the way
 * installs and activations leave them (entry dirs with receipts, devenv.lock files, root
 * records): for gc tests and `npm run bench -- gc`.
 */
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { serializeLock } from "../../src/lock/format.js";
import type { LockFile } from "../../src/lock/types.js";
import { hostPlatform } from "../../src/platform/host.js";
import { registerRoot } from "../../src/state/roots.js";
import { entryName } from "../../src/store/layout.js";
import { RECEIPT } from "../../src/store/layout.js";

export interface GcFixture {
  store: string;
  state: string;
  /** Project dirs, in order. */
  projects: string[];
  /** Entry dir names, in order (entry i is tool `t<i>` 1.0.<i>). */
  entries: string[];
  /** Entry names referenced by project p. */
  refs: Map<string, string[]>;
  /** Bytes of files in each entry. */
  entrySize: number;
}

const sha = (s: string) => createHash("sha256").update(s).digest("hex");

/**
 * `entries` entries of 3 files each; `roots` projects each locking `perRoot` tools: project p locks
 * entries p*perRoot … p*perRoot+perRoot-1 (mod `referenced`), so entries from `referenced` on are used by no one.
 */
export async function buildGcFixture(base: string, o: { entries: number; roots: number; perRoot: number; referenced: number }): Promise<GcFixture> {
  const platform = hostPlatform()!;
  const store = join(base, "home", "store");
  const state = join(base, "home", "state");
  mkdirSync(store, { recursive: true });
  const entries: string[] = [];
  const tools: LockFile["tools"] = {};
  const content = "#!/bin/sh\necho hi\n".repeat(16);
  for (let i = 0; i < o.entries; i++) {
    const name = `t${i}`;
    const version = `1.0.${i}`;
    const digest = sha(`artifact ${i}`);
    const dir = entryName({ name, version, platform, sha256: digest, recipeRevision: 1 });
    entries.push(dir);
    const root = join(store, dir);
    mkdirSync(join(root, "bin"), { recursive: true });
    const files = ["bin/a", "bin/b", "README"].map((p) => {
      writeFileSync(join(root, p), content, { mode: 0o755 });
      return { path: p, type: "file" as const, size: content.length, mode: 0o755, sha256: sha(content) };
    });
    const receipt = {
      receiptVersion: 1, name, version, platform, source: "inline", url: `https://example.invalid/${name}-${version}.tar.gz`,
      sha256: digest, recipeRevision: 1, installedAt: new Date(Date.now() - 86_400_000).toISOString(), bin: ["bin"],
      files: [{ path: "bin", type: "dir" }, ...files],
    };
    writeFileSync(join(root, RECEIPT), JSON.stringify(receipt) + "\n");
    tools[name] = {
      request: "1", version, source: "inline", recipeRevision: 1,
      platforms: { [platform]: { url: receipt.url, sha256: digest, format: "tar.gz", strip: 0 } },
    };
  }
  const projects: string[] = [];
  const refs = new Map<string, string[]>();
  for (let p = 0; p < o.roots; p++) {
    const dir = join(base, "projects", `p${p}`);
    mkdirSync(dir, { recursive: true });
    const mine: LockFile["tools"] = {};
    const names: string[] = [];
    for (let j = 0; j < o.perRoot; j++) {
      const i = (p * o.perRoot + j) % o.referenced;
      mine[`t${i}`] = tools[`t${i}`]!;
      names.push(entries[i]!);
    }
    const text = serializeLock({ lockVersion: 1, tools: mine });
    writeFileSync(join(dir, "devenv.ts"), "export default { tools: {} };\n");
    writeFileSync(join(dir, "devenv.lock"), text);
    await registerRoot(state, dir, text, names);
    projects.push(dir);
    refs.set(dir, names);
  }
  return { store, state, projects, entries, refs, entrySize: 3 * content.length };
}

/**
 * The aqua evaluator over the whole real registry snapshot (issue 17): every entry, for each platform
 * it supports, at real versions (aqua-registry's pkgs/<name>/pkg.yaml, the first one listed being the
 * latest; an entry without one gets a synthetic version its top-level constraint accepts), either
 * renders or is refused naming what devenv does not evaluate. Counts are printed.
 *
 * "Refused entry" (the 2 % bound): an entry whose latest sample version is refused
 * (AquaUnsupportedError) on every platform it supports at that version. An entry whose latest version
 * supports none of devenv's platforms is counted as "no asset", not refused.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { PLATFORM_KEYS } from "../../src/platform/keys.js";
import { evalConstraint } from "../../src/recipes/sources/aqua/constraint.js";
import { splitExt } from "../../src/recipes/sources/aqua/formats.js";
import { parseAquaRegistry } from "../../src/recipes/sources/aqua/registry-file.js";
import { aquaPlatforms, renderPackage } from "../../src/recipes/sources/aqua/render.js";
import { type AquaPackage, aquaPackageName, AquaNoAssetError, AquaUnsupportedError } from "../../src/recipes/sources/aqua/types.js";

const real = (p: string) => fileURLToPath(new URL(`../../../test/fixtures/real/${p}`, import.meta.url));
const packages = parseAquaRegistry(readFileSync(real("aqua-registry/registry.yaml"), "utf8"));

const samples = new Map<string, string[]>();
for (const line of readFileSync(real("aqua-pkg-versions.txt"), "utf8").split("\n").filter(Boolean)) {
  const [name, version] = line.split(" ") as [string, string];
  samples.set(name, [...(samples.get(name) ?? []), version]);
}

/** A version the top-level constraint accepts: one of the literals it names, else a plain one. */
function syntheticVersion(pkg: AquaPackage): string {
  const prefix = typeof pkg.version_prefix === "string" ? pkg.version_prefix : "";
  const expr = typeof pkg.version_constraint === "string" ? pkg.version_constraint : "true";
  const literals = [...expr.matchAll(/"([^"]*)"/g)].map((m) => m[1]!.replace(/^[<>=!~^ ]+/, "").split(/[ ,]/)[0]!);
  const candidates = ["v1.0.0", "1.0.0", ...literals, ...literals.map((l) => `v${l}`)].map((v) => (v.startsWith(prefix) ? v : prefix + v));
  return candidates.find((v) => {
    try {
      return evalConstraint(expr, { Version: v, SemVer: v.slice(prefix.length) });
    } catch {
      return false;
    }
  }) ?? `${prefix}v1.0.0`;
}

test("every entry of the snapshot renders or is refused naming why, at real versions, for each platform it supports", () => {
  const counts = { entries: packages.length, renders: 0, noAsset: 0, synthetic: 0 };
  const refusedBy = new Map<string, number>();
  const byType = new Map<string, { entries: number; refused: number }>();
  const refusedEntries: string[] = [];
  const extMismatch: string[] = [];
  let extMismatchAll = 0;
  const extMismatchEntries = new Set<string>();
  const unexpected: string[] = [];
  for (const pkg of packages) {
    const name = aquaPackageName(pkg);
    const versions = samples.get(name) ?? [];
    if (!versions.length) {
      counts.synthetic++;
      versions.push(syntheticVersion(pkg));
    }
    const t = byType.get(pkg.type) ?? { entries: 0, refused: 0 };
    byType.set(pkg.type, t);
    t.entries++;
    versions.forEach((version, n) => {
      const platforms = aquaPlatforms(pkg, version);
      let refusedHere = 0;
      for (const platform of PLATFORM_KEYS) {
        try {
          const r = renderPackage(pkg, version, platform);
          assert.ok(platforms.includes(platform), `${name} ${version} ${platform} rendered but aquaPlatforms leaves it out`);
          assert.match(r.url, /^https:\/\/|^http:\/\//, `${name}: ${r.url}`);
          counts.renders++;
          const leaf = r.type === "github_archive" ? "x.tar.gz" : new URL(r.url).pathname.split("/").pop()!;
          const ext = splitExt(decodeURIComponent(leaf)).ext;
          const named = { tgz: "tar.gz", txz: "tar.xz", tbz: "tar.bz2", tbz2: "tar.bz2", tzst: "tar.zst" }[ext] ?? ext;
          if (named !== r.archive) {
            extMismatchAll++;
            extMismatchEntries.add(name);
            if (n === 0) extMismatch.push(`${name} ${version} ${platform}: ${r.format} ${leaf}`);
          }
        } catch (e) {
          if (e instanceof AquaNoAssetError) {
            assert.ok(!platforms.includes(platform), `${name} ${version} ${platform}: no asset but aquaPlatforms lists it`);
            counts.noAsset++;
          } else if (e instanceof AquaUnsupportedError) {
            assert.match(e.message, /uses .+, which devenv does not support/);
            const reason = e.feature.replace(/'[^']*'|"[^"]*"/g, "…").replace(/^(format|type) .*/, (m) => m);
            refusedBy.set(reason, (refusedBy.get(reason) ?? 0) + 1);
            refusedHere++;
          } else unexpected.push(`${name} ${version} ${platform}: ${(e as Error).stack}`);
        }
      }
      if (n === 0 && platforms.length > 0 && refusedHere === platforms.length) {
        t.refused++;
        refusedEntries.push(`${name} (${pkg.type})`);
      }
    });
  }
  assert.deepEqual(unexpected.slice(0, 5), []);
  const gh = (byType.get("github_release")?.entries ?? 0) + (byType.get("http")?.entries ?? 0);
  const ghRefused = (byType.get("github_release")?.refused ?? 0) + (byType.get("http")?.refused ?? 0);
  console.log(`aqua snapshot: ${counts.entries} entries (${counts.synthetic} with a synthetic version); renders ${counts.renders}, no asset ${counts.noAsset}`);
  console.log(`refused (entry, latest version, every supported platform) by type: ${JSON.stringify(Object.fromEntries(byType))}`);
  console.log(`refused github_release+http: ${ghRefused} of ${gh} (${((100 * ghRefused) / gh).toFixed(2)} %)`);
  console.log(`refusals (entry × version × platform) by reason: ${JSON.stringify(Object.fromEntries([...refusedBy].sort((a, b) => b[1] - a[1])))}`);
  console.log(`refused github_release/http entries: ${refusedEntries.filter((e) => /github_release|http/.test(e)).join(", ")}`);
  console.log(`URL extension disagrees with the format: ${extMismatchAll} of ${counts.renders} renders (entries: ${[...extMismatchEntries].join(", ")}); at latest versions ${extMismatch.length} (entry × platform): ${extMismatch.join("; ")}`);
  assert.ok(ghRefused <= 0.02 * gh, `${ghRefused} of ${gh} github_release/http entries refused`);
});

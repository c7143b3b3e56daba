/** aqua's version_constraint expressions (issue 17 groundwork): the real registry's, evaluated; others refused. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { checkConstraint, evalConstraint } from "../../src/recipes/sources/aqua/constraint.js";

const fixture = fileURLToPath(new URL("../../../test/fixtures/real/aqua-version-constraints.txt", import.meta.url));
const at = (Version: string) => ({ Version, SemVer: Version.replace(/^v/, "") });

test("the forms the registry uses, for versions on both sides", () => {
  assert.equal(evalConstraint("true", at("v1.0.0")), true);
  assert.equal(evalConstraint("false", at("v1.0.0")), false);
  assert.equal(evalConstraint('Version == "v1.2.3"', at("v1.2.3")), true);
  assert.equal(evalConstraint('Version != "v1.2.3"', at("v1.2.3")), false);
  assert.equal(evalConstraint('semver("<= 1.2.3")', at("v1.2.3")), true);
  assert.equal(evalConstraint('semver("<= 1.2.3")', at("v1.2.4")), false);
  assert.equal(evalConstraint('semver(">= v0.3.33, <= v0.3.36") || semver(">= v0.3.42, <= v0.3.44")', at("v0.3.43")), true);
  assert.equal(evalConstraint('semver(">= v0.3.33, <= v0.3.36") || semver(">= v0.3.42, <= v0.3.44")', at("v0.3.40")), false);
  assert.equal(evalConstraint('semver("!= 0.0.5")', at("0.0.5")), false);
  assert.equal(evalConstraint('semver("= 0.2.1") || semver("= 0.1.6")', at("0.1.6")), true);
  // Versions as aqua reads them: "1.6" is 1.6.0 (jq 1.6 takes its `semver("<= 1.6")` override).
  assert.equal(evalConstraint('semver("<= 1.6")', at("1.6")), true);
  assert.equal(evalConstraint('semver("<= 1.6")', at("1.7")), false);
  assert.equal(evalConstraint('semver(">= 2")', at("v2")), true);
  assert.equal(evalConstraint('semver("<= 2.3.0") or Version in ["v2.7.0", "v2.8.0"]', at("v2.8.0")), true);
  assert.equal(evalConstraint('semver("<= 2.3.0") or Version in ["v2.7.0", "v2.8.0"]', at("v2.9.0")), false);
  const cli = 'Version startsWith "release-cli-" and semverWithVersion(">= 0.6.0", trimPrefix(Version, "release-cli-"))';
  assert.equal(evalConstraint(cli, { Version: "release-cli-0.7.1", SemVer: "" }), true);
  assert.equal(evalConstraint(cli, { Version: "release-cli-0.5.0", SemVer: "" }), false);
  assert.equal(evalConstraint(cli, { Version: "release-taplo-cli-0.7.1", SemVer: "" }), false);
  const taplo = 'not (Version startsWith "release-taplo-cli-") and not (Version startsWith "release-cli-") and semver(">= 0.8.0")';
  assert.equal(evalConstraint(taplo, at("0.9.0")), true);
  assert.equal(evalConstraint(taplo, { Version: "release-cli-0.9.0", SemVer: "release-cli-0.9.0" }), false);
  assert.equal(evalConstraint('semver("<= 1.4.2") || Version == "2.0.0b19"', at("2.0.0b19")), true, "a version that is not semver still matches by ==");
  assert.equal(evalConstraint('semver("<= 1.18.0-rc.0")', at("v1.18.0-rc.0")), true);
  assert.equal(evalConstraint('Version contains "-dev"', at("v1.0.0-dev.3")), true);
  assert.equal(evalConstraint('Version matches "\\\\b[0-9a-f]{40}\\\\b"', at("a".repeat(40))), true);
  assert.equal(evalConstraint('Version matches "\\\\b[0-9a-f]{40}\\\\b"', at("v1.2.3")), false);
});

test("every version_constraint of the real registry is read", () => {
  const all = readFileSync(fixture, "utf8").split("\n").filter(Boolean);
  assert.ok(all.length > 2500, `${all.length} constraints`);
  const failed = all.flatMap((c) => {
    try {
      checkConstraint(c);
      return [];
    } catch (e) {
      return [`${c}: ${(e as Error).message}`];
    }
  });
  assert.deepEqual(failed, []);
});

test("what the registry does not use is refused, naming it", () => {
  assert.throws(() => evalConstraint('Version endsWith "-rc"', at("v1.0.0")), /unexpected 'endsWith'/);
  assert.throws(() => evalConstraint('len(Version) > 3', at("v1.0.0")), /the function 'len' is not supported|cannot read/);
  assert.throws(() => evalConstraint("Other == 1", at("v1.0.0")), /'Other' is not supported|cannot read/);
  assert.throws(() => evalConstraint('semver("<= 1.2.3"', at("v1.0.0")), /expected ','|expected '\)'|ends too early/);
  assert.throws(() => evalConstraint('"v1"', at("v1.0.0")), /does not give true or false/);
});

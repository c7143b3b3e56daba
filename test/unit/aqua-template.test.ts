/**
 * The aqua registry's template language (issue 17 groundwork): what the real registry writes, read
 * and rendered; anything else refused with a message naming it.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { parseTemplate, renderTemplate, TemplateError } from "../../src/recipes/sources/aqua/template.js";

const fixture = fileURLToPath(new URL("../../../test/fixtures/real/aqua-templates.txt", import.meta.url));
const data = { Version: "v1.2.3", SemVer: "1.2.3", OS: "linux", Arch: "amd64", GOOS: "linux", GOARCH: "arm64", Format: "tar.gz", Asset: "tool-1.2.3-linux-amd64.tar.gz", AssetWithoutExt: "tool-1.2.3-linux-amd64", FileName: "tool", Vars: { channel: "stable" } };

test("the asset templates the registry uses most", () => {
  assert.equal(renderTemplate("ripgrep-{{.Version}}-{{.Arch}}-{{.OS}}.{{.Format}}", data), "ripgrep-v1.2.3-amd64-linux.tar.gz");
  assert.equal(renderTemplate("gh_{{trimV .Version}}_{{.OS}}_{{.Arch}}.{{.Format}}", data), "gh_1.2.3_linux_amd64.tar.gz");
  assert.equal(renderTemplate("x-{{.Version | trimV}}", data), "x-1.2.3");
  assert.equal(renderTemplate('{{trimPrefix "v" .Version}}', data), "1.2.3");
  assert.equal(renderTemplate('{{.Version | trimPrefix "v"}}', data), "1.2.3");
  assert.equal(renderTemplate('{{.AssetWithoutExt | trimSuffix "-amd64"}}/bin/tool', data), "tool-1.2.3-linux/bin/tool");
  assert.equal(renderTemplate('{{replace "." "_" .SemVer}}', data), "1_2_3");
  assert.equal(renderTemplate("{{title .OS}}-{{(semver .Version).Major}}.{{(semver .Version).Minor}}", data), "Linux-1.2");
  assert.equal(renderTemplate("{{.Vars.channel}}", data), "stable");
  assert.equal(renderTemplate('kor-{{.GOOS}}-{{if eq .GOOS "darwin"}}amd64{{else}}{{.GOARCH}}{{end}}', data), "kor-linux-arm64");
  assert.equal(renderTemplate('kor-{{if eq .GOOS "linux"}}x{{else}}y{{end}}', data), "kor-x");
  assert.equal(
    renderTemplate('bat-extras-{{ index (splitList "." (trimV .Version)) 0 }}{{ index (splitList "." (trimV .Version)) 1 }}.{{ index (splitList "." (trimV .Version)) 2 }}.zip', data),
    "bat-extras-12.3.zip",
  );
  assert.equal(renderTemplate("a {{- .OS -}} b", data), "alinuxb");
  assert.equal(renderTemplate('go-{{.Version | regexFind "^[^-]+"}}', { Version: "1.22.1-rc" }), "go-1.22.1");
});

test("every template in the real registry parses; a sample of them renders", () => {
  const all = readFileSync(fixture, "utf8").split("\n").filter(Boolean);
  assert.ok(all.length > 5000, `${all.length} templates`);
  const failed: string[] = [];
  for (const t of all) {
    try {
      parseTemplate(t);
    } catch (e) {
      failed.push(`${t}: ${(e as Error).message}`);
    }
  }
  assert.deepEqual(failed, []);
  let rendered = 0;
  for (const t of all.filter((x) => !x.includes("{{if") && !x.includes("{{ if"))) {
    try {
      renderTemplate(t, data);
      rendered++;
    } catch (e) {
      assert.ok(e instanceof TemplateError, `${t}: ${(e as Error).message}`);
    }
  }
  assert.ok(rendered > 5000, `${rendered} rendered`);
});

test("what the registry does not use is refused, naming it; a missing value too", () => {
  assert.throws(() => renderTemplate('{{printf "%s" .OS}}', data), /the function 'printf' is not supported/);
  assert.throws(() => renderTemplate("{{range .Vars}}x{{end}}", data), /\{\{range\}\} is not supported/);
  assert.throws(() => renderTemplate("{{$x := .OS}}", data), /template variables/);
  assert.throws(() => renderTemplate("{{.Nope}}", data), /\.Nope: no value for 'Nope'/);
  assert.throws(() => renderTemplate("{{.Vars.missing}}", data), /no value for 'missing'/);
  assert.throws(() => renderTemplate("x-{{.OS", data), /never closed/);
  assert.throws(() => renderTemplate("{{if .OS}}x", data), /missing \{\{else\}\} or \{\{end\}\}/);
  assert.throws(() => renderTemplate("{{(semver .OS).Major}}", data), /semver: 'linux' is not a version/);
});

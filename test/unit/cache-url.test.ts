/** Issue 18 groundwork: the cache URL forms, and everything else refused with what is wrong. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { blobUrl, parseCacheUrl } from "../../src/cache/url.js";

test("oci://, oci+http:// and oci-layout: are read; the blob URL is the distribution spec's", () => {
  assert.deepEqual(parseCacheUrl("oci://ghcr.io/acme/devenv-cache"), { kind: "registry", scheme: "https", host: "ghcr.io", repository: "acme/devenv-cache" });
  const local = parseCacheUrl("oci+http://127.0.0.1:5000/team/tools/");
  assert.deepEqual(local, { kind: "registry", scheme: "http", host: "127.0.0.1:5000", repository: "team/tools" });
  assert.deepEqual(parseCacheUrl("oci://[::1]:5000/a"), { kind: "registry", scheme: "https", host: "[::1]:5000", repository: "a" });
  assert.deepEqual(parseCacheUrl("oci-layout:/mnt/usb/devenv"), { kind: "layout", dir: "/mnt/usb/devenv" });
  assert.equal(blobUrl(local as Extract<typeof local, { kind: "registry" }>, "a".repeat(64)), `http://127.0.0.1:5000/v2/team/tools/blobs/sha256:${"a".repeat(64)}`);
});

test("a URL that is not a cache says what is wrong", () => {
  const refused: Array<[string, RegExp]> = [
    ["https://ghcr.io/acme/x", /not an oci:\/\/, oci\+http:\/\/ or oci-layout: URL/],
    ["oci://ghcr.io", /not an oci:\/\//],
    ["oci://ghcr.io/", /no repository after the host/],
    ["oci://ghcr.io/Acme/x", /"Acme" is not a repository path component/],
    ["oci://ghcr.io/acme/../x", /"\.\." is not a repository path component/],
    ["oci://ghcr.io/acme//x", /"" is not a repository path component/],
    ["oci://user:pw@ghcr.io/acme/x", /is not a registry host\[:port\]/],
    ["oci://ghcr.io:99999/acme/x", /port 99999 is out of range/],
    ["oci-layout:", /no directory/],
  ];
  for (const [url, why] of refused) {
    assert.throws(() => parseCacheUrl(url), (e: Error & { code?: string; hint?: string }) => {
      assert.equal(e.code, "USAGE", url);
      assert.match(e.message, why, url);
      assert.match(e.hint ?? "", /oci:\/\/host\[:port\]\/namespace\/repo/);
      return true;
    });
  }
});

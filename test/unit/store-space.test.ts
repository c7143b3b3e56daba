/** The free-space rule of installs: the reserve (DEVENV_MIN_FREE or 5 % up to 1 GiB) and the size syntax. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DevenvError } from "../../src/errors.js";
import { formatBytes, minFreeSetting, parseSize, reserveFor, unpackCap } from "../../src/store/space.js";
import { fmtBytes } from "../../src/cli/progress.js";

const GiB = 1024 ** 3;

test("the default reserve is 5 % of the filesystem, at most 1 GiB", () => {
  assert.equal(reserveFor(10 * GiB, minFreeSetting({})), Math.floor(0.5 * GiB));
  assert.equal(reserveFor(252 * GiB, minFreeSetting({})), GiB);
});

test("DEVENV_MIN_FREE sets the reserve: a size, or 0 for none; anything else is a usage error naming it", () => {
  assert.equal(reserveFor(252 * GiB, minFreeSetting({ DEVENV_MIN_FREE: "100M" })), 100 * 1024 ** 2);
  assert.equal(reserveFor(252 * GiB, minFreeSetting({ DEVENV_MIN_FREE: "0" })), 0);
  assert.equal(reserveFor(252 * GiB, minFreeSetting({ DEVENV_MIN_FREE: "" })), GiB);
  assert.throws(() => minFreeSetting({ DEVENV_MIN_FREE: "lots" }), (e: unknown) =>
    e instanceof DevenvError && e.code === "USAGE" && /^DEVENV_MIN_FREE: 'lots' is not a size$/.test(e.message));
});

test("sizes: binary units, case-insensitive, optional B/iB; DEVENV_UNPACK_LIMIT unset or none is no cap", () => {
  assert.equal(parseSize("4G"), 4 * GiB);
  assert.equal(parseSize("500mib"), 500 * 1024 ** 2);
  assert.equal(parseSize("64k"), 64 * 1024);
  assert.equal(parseSize("1048576"), 1048576);
  assert.equal(parseSize("-1"), undefined);
  assert.equal(unpackCap({}), undefined);
  assert.equal(unpackCap({ DEVENV_UNPACK_LIMIT: "none" }), undefined);
  assert.equal(unpackCap({ DEVENV_UNPACK_LIMIT: "2G" }), 2 * GiB);
});

test("sizes print with a unit that shows them at every scale (a 512-byte entry was '0 kB'); gc, store ls and progress share it", () => {
  const cases: Array<[number, string]> = [
    [0, "0 bytes"], [512, "512 bytes"], [1023, "1023 bytes"], [1024, "1.0 kB"], [1536, "1.5 kB"], [10 * 1024, "10 kB"],
    [640 * 1024, "640 kB"], [1024 * 1024, "1.0 MB"], [1.5 * 1024 ** 3, "1.5 GB"],
  ];
  for (const [n, text] of cases) assert.equal(formatBytes(n), text, String(n));
  assert.equal(fmtBytes, formatBytes);
});

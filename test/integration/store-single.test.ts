/**
 * Single compressed files (gz, xz, zst, bz2) and tar.bz2 through the store (issue 17): each
 * unpacks to one executable file named after the download without its extension; a truncated or
 * foreign file of each format is refused with an ARCHIVE error naming the format; a bomb of each
 * stops at DEVENV_UNPACK_LIMIT; a download whose name leaves no file name is refused.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { silentReporter } from "../../src/reporter.js";
import type { ArchiveFormat } from "../../src/recipes/types.js";
import { ensureInstalled } from "../../src/store/install.js";
import { bzip2, gzip, sha256hex, tarEntries, viaTool, zerosBomb, zstd, zstdFrame } from "../support/archives.js";
import { HOST, assertNothingInstalled, makeSpec, rejectsWith, useKit } from "./store-kit.js";

const kit = useKit();

const MiB = 1024 * 1024;
const SCRIPT = Buffer.from(`#!/bin/sh\necho single\n${"# padding to make the file compress\n".repeat(200)}`);
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

type Single = "gz" | "xz" | "zst" | "bz2";
const compress: Record<Single, (b: Buffer) => Buffer> = { gz: gzip, xz: (b) => viaTool("xz", b), zst: zstd, bz2: bzip2 };
const bombTool = { gz: "gzip", xz: "xz", zst: "zstd", bz2: "bzip2" } as const;

let seq = 0;
/** Serve `body` as `<dir>/<name>` (a fresh dir each time); returns its public URL. */
function serveAs(name: string, body: Buffer): string {
  const path = `/${HOST}/s${++seq}/${name}`;
  kit.fake.addFile(path, body);
  kit.fake.addFile(decodeURIComponent(path), body); // the fake matches the decoded path
  return `https://${path.slice(1)}`;
}

/** Run `fn` with environment variable `k` set to `v` (or unset), then restore it. */
async function withEnv<T>(vars: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const set = (v: Record<string, string | undefined>) => {
    for (const [k, x] of Object.entries(v)) if (x === undefined) delete process.env[k]; else process.env[k] = x;
  };
  set(vars);
  try {
    return await fn();
  } finally {
    set(saved);
  }
}

// zstd goes through the system zstd when there is one (it checks content checksums), else through
// fzstd ("builtin", DEVENV_ZSTD=builtin): both must hold a bomb in bounded memory.
for (const via of ["builtin", "system"] as const) {
  const env = { DEVENV_ZSTD: via === "builtin" ? "builtin" : undefined };
  describe(`zstd through ${via === "builtin" ? "fzstd" : "the system zstd"}, in bounded memory`, () => {
    // Runs first: the peak memory (maxRSS) is compared with what the process had used before it.
    test("zst: a 1 GiB bomb in a few kB stops at the limit without ever holding much of it in memory", async () => {
      const body = zerosBomb("zstd", 1024 * MiB);
      const url = serveAs("huge.zst", body);
      const { base, store } = kit.newStore();
      const peakBefore = process.resourceUsage().maxRSS * 1024;
      await withEnv({ ...env, DEVENV_UNPACK_LIMIT: "8M" }, () => rejectsWith(ensureInstalled(store, kit.http, makeSpec(url, body, { format: "zst" }), silentReporter), "ARCHIVE"));
      const grew = process.resourceUsage().maxRSS * 1024 - peakBefore;
      assert.ok(grew < 128 * MiB, `peak memory grew by ${Math.round(grew / MiB)} MiB decompressing a zstd bomb`);
      assertNothingInstalled(base, store);
    });

    test("zst: frames with and without a checksum, a skippable frame and a frame of stored blocks, decoded whole", async () => {
      const a = Buffer.from("first frame, with a checksum\n".repeat(1000));
      const b = Buffer.from("second frame, none\n".repeat(500));
      const c = Buffer.from("third frame: stored blocks\n");
      const skippable = Buffer.concat([Buffer.from([0x53, 0x2a, 0x4d, 0x18, 5, 0, 0, 0]), Buffer.from("skip!")]);
      const noCheck = spawnSync("zstd", ["-c", "-q", "--no-check"], { input: b }).stdout;
      const body = Buffer.concat([zstd(a), skippable, noCheck, zstdFrame(c)]);
      const url = serveAs("frames.zst", body);
      const { store } = kit.newStore();
      const t = await withEnv(env, () => ensureInstalled(store, kit.http, makeSpec(url, body, { format: "zst" }), silentReporter));
      assert.deepEqual(readFileSync(join(t.dir, "frames")), Buffer.concat([a, b, c]));
    });

    test("tar.zst of real zstd (compressed blocks, several MB) unpacks byte for byte", async () => {
      const blob = Buffer.from(Array.from({ length: 200_000 }, (_, i) => `line ${i} ${(i * 7919) % 1000}\n`).join(""));
      const body = zstd(tarEntries([{ path: "bin/tool", mode: 0o755, content: SCRIPT }, { path: "share/blob", content: blob }]));
      const url = serveAs("real.tar.zst", body);
      const { store } = kit.newStore();
      const t = await withEnv(env, () => ensureInstalled(store, kit.http, makeSpec(url, body, { format: "tar.zst" }), silentReporter));
      assert.deepEqual(readFileSync(join(t.dir, "share/blob")), blob);
    });

    test("zst: a truncated file is an ARCHIVE error", async () => {
      const whole = zstd(Buffer.from(Array.from({ length: 20_000 }, (_, i) => `${i}\n`).join("")));
      const body = whole.subarray(0, whole.length - 10);
      const url = serveAs("cut.zst", body);
      const { base, store } = kit.newStore();
      const err = await withEnv(env, () => rejectsWith(ensureInstalled(store, kit.http, makeSpec(url, body, { format: "zst" }), silentReporter), "ARCHIVE"));
      assert.match(err.message, new RegExp(`^tool 1\\.2\\.3: ${escape(url)} cannot be unpacked as zst: .+$`));
      assertNothingInstalled(base, store);
    });
  });
}

test("zst through the system zstd: content that does not match the frame's checksum is refused (fzstd would not notice)", async () => {
  // Random bytes do not compress: zstd stores them in raw blocks, so a flipped byte still decodes.
  const body = Buffer.from(zstd(randomBytes(64 * 1024)));
  body[Math.floor(body.length / 2)] = body[Math.floor(body.length / 2)]! ^ 0x55;
  const url = serveAs("flipped.zst", body);
  const { base, store } = kit.newStore();
  const err = await rejectsWith(ensureInstalled(store, kit.http, makeSpec(url, body, { format: "zst" }), silentReporter), "ARCHIVE");
  assert.match(err.message, new RegExp(`^tool 1\\.2\\.3: ${escape(url)} cannot be unpacked as zst: zstd failed \\(exit 1\\): .*checksum`));
  assertNothingInstalled(base, store);
});

describe("single compressed files", () => {
  for (const format of ["gz", "xz", "zst", "bz2"] as const) {
    test(`${format}: one file named after the download without .${format}, mode 0755, in the receipt`, async () => {
      const body = compress[format](SCRIPT);
      const url = serveAs(`tool-linux-amd64.${format}`, body);
      const { store } = kit.newStore();
      const t = await ensureInstalled(store, kit.http, makeSpec(url, body, { format, strip: "auto" }), silentReporter);
      assert.deepEqual(readdirSync(t.dir).sort(), [".devenv-receipt.json", "tool-linux-amd64"]);
      const file = join(t.dir, "tool-linux-amd64");
      assert.deepEqual(readFileSync(file), SCRIPT);
      assert.equal(statSync(file).mode & 0o7777, 0o755);
      assert.deepEqual(t.receipt.files, [{ path: "tool-linux-amd64", type: "file", mode: 0o755, size: SCRIPT.length, sha256: sha256hex(SCRIPT) }]);
      assert.deepEqual(t.receipt.bin, ["."]);
    });
  }

  test("strip does not apply to a single file (there is no path to strip)", async () => {
    const body = compress.xz(SCRIPT);
    const url = serveAs("tool.xz", body);
    const { store } = kit.newStore();
    const t = await ensureInstalled(store, kit.http, makeSpec(url, body, { format: "xz", strip: 1 }), silentReporter);
    assert.deepEqual(readFileSync(join(t.dir, "tool")), SCRIPT);
  });

  test("the extension is matched case-insensitively and a query string is not part of the name", async () => {
    const body = gzip(SCRIPT);
    const url = `${serveAs("Tool_Darwin.GZ", body)}?download=1`;
    const { store } = kit.newStore();
    const t = await ensureInstalled(store, kit.http, makeSpec(url, body, { format: "gz" }), silentReporter);
    assert.deepEqual(readFileSync(join(t.dir, "Tool_Darwin")), SCRIPT);
  });

  for (const name of ["%2e%2e.gz", ".gz", "a%2Fb.gz"]) {
    test(`a download named ${name} leaves no file name: UNSAFE_ARCHIVE, nothing installed`, async () => {
      const body = gzip(SCRIPT);
      const url = serveAs(name, body);
      const { base, store } = kit.newStore();
      const err = await rejectsWith(ensureInstalled(store, kit.http, makeSpec(url, body, { format: "gz" }), silentReporter), "UNSAFE_ARCHIVE");
      assert.equal(err.message, `${url}: refusing entry '${name}': the download's name leaves no file name to unpack it as`);
      assertNothingInstalled(base, store);
    });
  }
});

describe("damaged files are refused, naming the format", () => {
  const formats: Array<Single | "tar.bz2"> = ["gz", "xz", "zst", "bz2", "tar.bz2"];
  const make = (format: Single | "tar.bz2") =>
    format === "tar.bz2" ? bzip2(tarEntries([{ path: "bin/tool", mode: 0o755, content: SCRIPT }])) : compress[format](SCRIPT);

  for (const format of formats) {
    test(`${format}: a truncated file (verified: the checksum is of the truncated bytes) is an ARCHIVE error, nothing installed`, async () => {
      const whole = make(format);
      const body = whole.subarray(0, Math.floor(whole.length / 2));
      const url = serveAs(`tool.${format}`, body);
      const { base, store } = kit.newStore();
      const err = await rejectsWith(ensureInstalled(store, kit.http, makeSpec(url, body, { format: format as ArchiveFormat }), silentReporter), "ARCHIVE");
      assert.match(err.message, new RegExp(`^tool 1\\.2\\.3: ${escape(url)} (cannot be unpacked as ${escape(format)}: .+|is not a readable tar archive: .+)$`));
      assert.match(err.hint ?? "", /The archive matched its checksum, so this is how it was published/);
      assertNothingInstalled(base, store);
    });

    test(`${format}: a byte flipped in the middle (the checksum is of the damaged bytes) is an ARCHIVE error, nothing installed`, async () => {
      const body = Buffer.from(make(format));
      body[Math.floor(body.length / 2)]! ^= 0x55;
      const url = serveAs(`tool.${format}`, body);
      const { base, store } = kit.newStore();
      const err = await rejectsWith(ensureInstalled(store, kit.http, makeSpec(url, body, { format: format as ArchiveFormat }), silentReporter), "ARCHIVE");
      assert.match(err.message, new RegExp(`^tool 1\\.2\\.3: ${escape(url)} (cannot be unpacked as ${escape(format)}: .+|is not a readable tar archive: .+)$`));
      assertNothingInstalled(base, store);
    });

    test(`${format}: a file that is not ${format} at all is an ARCHIVE error, nothing installed`, async () => {
      const body = Buffer.from("<html>not what the extension says</html>\n".repeat(4));
      const url = serveAs(`tool.${format}`, body);
      const { base, store } = kit.newStore();
      const err = await rejectsWith(ensureInstalled(store, kit.http, makeSpec(url, body, { format: format as ArchiveFormat }), silentReporter), "ARCHIVE");
      assert.match(err.message, new RegExp(`^tool 1\\.2\\.3: ${escape(url)} (cannot be unpacked as ${escape(format)}: .+|is not a readable tar archive: .+)$`));
      assert.match(err.hint ?? "", /read as .*\.bz2/, "the hint lists the extensions devenv reads");
      assertNothingInstalled(base, store);
    });
  }
});

describe("bombs stop at DEVENV_UNPACK_LIMIT", () => {
  for (const format of ["gz", "xz", "zst", "bz2"] as const) {
    test(`${format}: 64 MiB of zeros in a few kB stop at 8 MB written; nothing left`, async () => {
      const body = zerosBomb(bombTool[format], 64 * MiB);
      assert.ok(body.length < 64 * 1024, `${format} bomb is small (${body.length} bytes)`);
      const url = serveAs(`zeros.${format}`, body);
      const { base, store } = kit.newStore();
      process.env.DEVENV_UNPACK_LIMIT = "8M";
      try {
        const err = await rejectsWith(ensureInstalled(store, kit.http, makeSpec(url, body, { format }), silentReporter), "ARCHIVE");
        assert.match(err.message, /^tool 1\.2\.3: unpacking: stopped after (7\.\d|8\.0) MB written: more than DEVENV_UNPACK_LIMIT \(8\.0 MB\)$/);
        assertNothingInstalled(base, store);
      } finally {
        delete process.env.DEVENV_UNPACK_LIMIT;
      }
    });
  }

  test("tar.bz2: a tar of 64 MiB of zeros stops at 8 MB written; nothing left", async () => {
    const tar = tarEntries([{ path: "bin/tool", mode: 0o755, content: "#!/bin/sh\n" }, { path: "share/zeros", content: Buffer.alloc(64 * MiB) }]);
    const body = bzip2(tar);
    const url = serveAs("zeros.tar.bz2", body);
    const { base, store } = kit.newStore();
    process.env.DEVENV_UNPACK_LIMIT = "8M";
    try {
      const err = await rejectsWith(ensureInstalled(store, kit.http, makeSpec(url, body, { format: "tar.bz2" }), silentReporter), "ARCHIVE");
      assert.match(err.message, /^tool 1\.2\.3: unpacking: stopped after (7\.\d|8\.0) MB written: more than DEVENV_UNPACK_LIMIT \(8\.0 MB\)$/);
      assertNothingInstalled(base, store);
    } finally {
      delete process.env.DEVENV_UNPACK_LIMIT;
    }
  });
});

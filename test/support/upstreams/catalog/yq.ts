/**
 * mikefarah/yq: raw binaries `yq_<os>_<arch>` (windows `.exe`), the same in `yq_<os>_<arch>.tar.gz`
 * (with the man page), and three checksum documents made by rhash: `checksums` (one line per file,
 * every algorithm as a column, in the order of `checksums_hashes_order`), `checksums-bsd`
 * (`<ALG> (<file>) = <hex>` lines; aqua reads its SHA512 lines with a regexp), plus
 * `extract-checksum.sh` to pick a column.
 */
import { other, rhashHashesOrder, splitExt, type CatalogToolSpec } from "./kit.js";

const SUMS = new Set(["checksums", "checksums-bsd", "checksums_hashes_order", "extract-checksum.sh"]);

const EXTRACT = [
  "#!/bin/sh",
  "# fake extract-checksum.sh for devenv tests: print '<file> <hash>' for hash name $1 and file $2",
  'col=$(grep -n "^$1\\$" checksums_hashes_order | cut -d: -f1)',
  '[ -n "$col" ] || { echo "unknown hash $1" >&2; exit 1; }',
  'awk -v f="$2" -v c="$((col + 1))" \'$1 == f { print $1 " " $c }\' checksums',
  "",
].join("\n");

export const yq: CatalogToolSpec = {
  id: "yq",
  shapes: [
    "single binary (raw asset yq_<os>_<arch>)",
    "checksum file per release in a multi-hash format: checksums-bsd, SHA512 lines read by aqua's regexp file_format",
    "rhash column file `checksums` + checksums_hashes_order",
    "GitHub digest era: 4.47.1 (2025-07)",
  ],
  versionLine: (v) => `yq (https://github.com/mikefarah/yq/) version v${v}`,
  asset(_v, name, all) {
    if (name === "checksums") return { role: "checksums", format: "rhash", covers: all.filter((n) => !SUMS.has(n)) };
    if (name === "checksums-bsd") return { role: "checksums", format: "bsd", covers: all.filter((n) => !SUMS.has(n)) };
    if (name === "checksums_hashes_order") return { role: "text", content: rhashHashesOrder() };
    if (name === "extract-checksum.sh") return { role: "text", content: EXTRACT };
    if (name === "yq_man_page_only.tar.gz") return other;
    const { stem, ext } = splitExt(name);
    const windows = stem.startsWith("yq_windows_");
    if (!ext) return { role: "build", format: "raw", windows, exe: name };
    const exe = windows ? `${stem}.exe` : `./${stem}`;
    return { role: "build", format: ext, windows, exe, extra: windows ? [] : ["./yq.1", "./install-man-page.sh"] };
  },
};

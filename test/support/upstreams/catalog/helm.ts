/**
 * helm/helm (type http): `https://get.helm.sh/helm-v<v>-<os>-<arch>.tar.gz` (windows .zip) holding
 * `<os>-<arch>/helm` with LICENSE and README; beside each archive `.sha256sum` (`<hex>  <file>`,
 * what aqua reads from 3.1.0 on) and `.sha256` (the bare hex). The GitHub release carries only the
 * `.asc` signatures.
 */
import { other, type CatalogToolSpec } from "./kit.js";

export const helm: CatalogToolSpec = {
  id: "helm",
  shapes: [
    "http type: get.helm.sh URL template",
    "tar.gz with the binary in a subdir {{.OS}}-{{.Arch}}/",
    "checksum per file: .sha256sum (sha256sum line) and .sha256 (bare hex)",
    "GitHub releases carry only .asc signatures",
  ],
  versionLine: (v) => `v${v}+gfake`,
  asset(_v, path) {
    if (path.endsWith(".sha256sum")) return { role: "checksums", format: "sha256sum", covers: [path.slice(0, -".sha256sum".length)] };
    if (path.endsWith(".sha256")) return { role: "checksums", format: "bare", covers: [path.slice(0, -".sha256".length)] };
    const m = /^helm-v[^-]+-(.+)\.(tar\.gz|zip)$/.exec(path);
    if (!m) return other; // .asc
    const dir = m[1]!;
    const windows = dir.startsWith("windows");
    return { role: "build", format: m[2] as "tar.gz" | "zip", windows, exe: `${dir}/helm${windows ? ".exe" : ""}`, extra: [`${dir}/LICENSE`, `${dir}/README.md`] };
  },
};

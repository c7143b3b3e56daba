/**
 * kubectl (aqua `kubernetes/kubernetes/kubectl`, type http): `https://dl.k8s.io/<v>/bin/<os>/<arch>/kubectl`
 * (windows `kubectl.exe`), a raw binary with `.sha256` and `.sha512` beside it holding the bare hex
 * (no file name, no newline). Versions come from kubernetes/kubernetes GitHub releases, which carry
 * no binaries.
 */
import { other, type CatalogToolSpec } from "./kit.js";

export const kubectl: CatalogToolSpec = {
  id: "kubectl",
  shapes: [
    "http type: URL template https://dl.k8s.io/{{.Version}}/bin/{{.OS}}/{{.Arch}}/kubectl",
    "checksum per file: kubectl.sha256 (bare hex, no newline)",
    "versions from GitHub releases without assets (kubernetes/kubernetes)",
    "a registry name with three parts (kubernetes/kubernetes/kubectl, alias kubernetes/kubectl)",
  ],
  versionLine: (v) => `Client Version: v${v}`,
  asset(_v, path) {
    const m = /^(.*)\.(sha256|sha512)$/.exec(path);
    if (m) return { role: "checksums", format: "bare", covers: [m[1]!], algorithm: m[2] as "sha256" | "sha512", noNewline: true };
    if (!path.includes("/bin/")) return other;
    return { role: "build", format: "raw", windows: path.endsWith(".exe"), exe: path.split("/").pop()! };
  },
};

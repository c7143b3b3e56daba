/**
 * hashicorp/terraform (type http): `https://releases.hashicorp.com/terraform/<v>/terraform_<v>_<os>_<arch>.zip`
 * with `terraform` (windows `terraform.exe`) and LICENSE.txt at the root, one
 * `terraform_<v>_SHA256SUMS` per release (plus its GPG signatures). GitHub releases carry no binaries.
 */
import { other, type CatalogToolSpec } from "./kit.js";

export const terraform: CatalogToolSpec = {
  id: "terraform",
  shapes: [
    "http type: releases.hashicorp.com URL template with trimV",
    "zip with the binary at the root",
    "checksum file per release: terraform_<v>_SHA256SUMS (+ .sig files)",
    "versions from GitHub releases without assets (hashicorp/terraform)",
  ],
  versionLine: (v) => `Terraform v${v}`,
  asset(v, path, all) {
    if (path.endsWith(`terraform_${v}_SHA256SUMS`)) return { role: "checksums", format: "sha256sum", covers: all.filter((p) => p.endsWith(".zip")) };
    if (!path.endsWith(".zip")) return other; // .sig
    const windows = path.includes("_windows_");
    return { role: "build", format: "zip", windows, exe: windows ? "terraform.exe" : "terraform", extra: ["LICENSE.txt"] };
  },
};

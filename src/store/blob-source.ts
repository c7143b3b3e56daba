import type { Readable } from "node:stream";
import type { DevenvError } from "../errors.js";
import type { ArtifactFile } from "../recipes/types.js";

/**
 * Somewhere besides the upstream that may hold a download, addressed by the sha256 devenv.lock pins
 * for it: a team's OCI registry or an OCI layout on disk (issue 18). The installer asks it first and
 * verifies what it gives exactly like an upstream download; anything else (a miss, a cache that is
 * down or refuses) means the upstream. The source says what happened itself (one line), so the
 * installer stays quiet about it.
 */
export interface BlobSource {
  /** The blob's bytes, or undefined: a miss, or a cache that could not be used (already reported). */
  open(file: ArtifactFile & { sha256: string }, label: string): Promise<{ body: Readable; size: number | undefined; where: string } | undefined>;
  /** The bytes it gave did not verify (or broke off): say so loudly (naming itself). The installer then goes upstream. */
  rejected(file: ArtifactFile, label: string, error: DevenvError | Error): void;
  /** Whether it can serve without the network (an OCI layout on disk): an offline install may use it. */
  readonly local: boolean;
}

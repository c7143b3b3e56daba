/**
 * The shape of devenv.lock, strictly: it arrives with a pull and `devenv allow` does not cover it.
 * Every string that reaches a path, a URL or the environment is checked here (see names.ts);
 * what must also agree with devenv.ts and the recipe is checked before use (resolver/check-entry.ts).
 */
import * as z from "zod";
import { PLATFORM_KEYS } from "../platform/keys.js";
import { ARCHIVE_FORMATS } from "../recipes/formats.js";
import { CHECKSUM_SOURCES, type ChecksumSource } from "../recipes/types.js";
import { shown } from "../text.js";
import { partDirProblem, partNameProblem, textProblem, toolNameProblem, urlProblem, versionProblem } from "./names.js";

export const LOCK_VERSION = 1;

/** A string checked by `problem` (undefined = fine), its message naming the value. */
const checked = (problem: (s: string) => string | undefined) =>
  z.string().superRefine((s, ctx) => {
    const why = problem(s);
    if (why) ctx.addIssue({ code: "custom", message: why });
  });

/** An http(s) URL, or `npm:<path>` resolved against the user's npm registry at request time. */
const url = checked(urlProblem);

const fileFields = {
  url,
  sha256: z.string().regex(/^[0-9a-f]{64}$/, "a sha256 as 64 lowercase hex characters").optional(),
  /** SRI (`sha512-<base64>`), for upstreams that publish no sha256 (npm). */
  integrity: z.string().regex(/^sha512-[A-Za-z0-9+/]{86}==$/, "an SRI sha512 digest").optional(),
  /** Where sha256/integrity came from (src/recipes/types.ts ChecksumSource); locks written before it lack it. */
  checksum: z.enum(CHECKSUM_SOURCES as unknown as [ChecksumSource, ...ChecksumSource[]], {
    error: (iss) => `${typeof iss.input === "string" ? shown(iss.input.slice(0, 64)) : typeof iss.input} is not a checksum source (one of ${CHECKSUM_SOURCES.join(", ")})`,
  }).optional(),
  format: z.enum(ARCHIVE_FORMATS),
  strip: z.union([z.number().int().min(0).max(64), z.literal("auto")]),
  size: z.number().int().min(0).optional(),
};

type Digests = { sha256?: string | undefined; integrity?: string | undefined; checksum?: string | undefined };

/** Exactly one of sha256 and integrity; `checksum: "integrity"` exactly when it is the integrity. */
function checkDigests(a: Digests, ctx: z.RefinementCtx): void {
  if ((a.sha256 === undefined) === (a.integrity === undefined)) {
    ctx.addIssue({ code: "custom", message: "needs exactly one of sha256 and integrity" });
  } else if (a.checksum !== undefined && (a.checksum === "integrity") !== (a.integrity !== undefined)) {
    ctx.addIssue({
      code: "custom",
      path: ["checksum"],
      message: a.integrity !== undefined
        ? `${JSON.stringify(a.checksum)} for a file checked by its integrity (only "integrity" is)`
        : `"integrity" for a file checked by its sha256 (it has no integrity)`,
    });
  }
}

const partSchema = z
  .strictObject({
    ...fileFields,
    name: checked(partNameProblem),
    dir: checked(partDirProblem).optional(),
  })
  .superRefine(checkDigests);

const artifactSchema = z
  .strictObject({
    ...fileFields,
    requires: z.strictObject({ glibc: z.string().regex(/^\d{1,3}\.\d{1,3}$/, "a glibc version such as 2.28").optional() }).optional(),
    parts: z.array(partSchema).max(512).optional(),
  })
  .superRefine(checkDigests);

export const lockEntrySchema = z.strictObject({
  request: checked((s) => textProblem(s, "a version range")),
  version: checked(versionProblem),
  source: z.string(),
  recipeRevision: z.number().int().min(0),
  options: z.record(z.string(), z.unknown()).optional(),
  platforms: z.partialRecord(z.enum(PLATFORM_KEYS), artifactSchema),
});

export const lockFileSchema = z.strictObject({
  lockVersion: z.literal(LOCK_VERSION),
  tools: z.record(z.string(), lockEntrySchema).superRefine((tools, ctx) => {
    for (const [name, entry] of Object.entries(tools)) {
      const bad = toolNameProblem(name);
      if (bad) ctx.addIssue({ code: "custom", path: [name], message: bad });
      else if (entry.source !== "inline" && entry.source !== `registry:${name}`) {
        ctx.addIssue({ code: "custom", path: [name, "source"], message: `${JSON.stringify(entry.source)} is neither "inline" nor "registry:${name}"` });
      }
    }
  }),
});

export type LockEntry = z.infer<typeof lockEntrySchema>;
export type LockFile = z.infer<typeof lockFileSchema>;
export type LockedArtifact = z.infer<typeof artifactSchema>;

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
import { catalogRegistryProblem, packageNameProblem, partDirProblem, partNameProblem, sourceProblem, textProblem, toolNameProblem, urlProblem, versionProblem } from "./names.js";

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

/** Where a sha512 integrity can come from: npm's dist.integrity, or a sha512 checksum file (the aqua registry names some). */
const INTEGRITY_SOURCES = new Set(["integrity", "checksum-file"]);

/**
 * A sha256, an integrity, or both; `checksum: "integrity"` only with an integrity. Both: the file is
 * anchored by its integrity (npm's dist.integrity, a sha512 checksum file) and devenv recorded the
 * sha256 of the verified bytes beside it (the address a cache serves it by); both are checked on
 * every download. An integrity beside a sha256 some upstream published is refused: nothing writes one.
 */
function checkDigests(a: Digests, ctx: z.RefinementCtx): void {
  if (a.sha256 === undefined && a.integrity === undefined) {
    ctx.addIssue({ code: "custom", message: "needs a sha256 or an integrity (the checksum devenv verifies the download against)" });
  } else if (a.checksum !== undefined && a.integrity !== undefined && !INTEGRITY_SOURCES.has(a.checksum)) {
    ctx.addIssue({
      code: "custom",
      path: [a.sha256 !== undefined ? "integrity" : "checksum"],
      message: a.sha256 !== undefined
        ? `an integrity beside the sha256 of checksum ${JSON.stringify(a.checksum)} (only a file checked by its integrity, checksum "integrity" or "checksum-file", records both)`
        : `${JSON.stringify(a.checksum)} for a file checked by its integrity (only "integrity" and "checksum-file" are)`,
    });
  } else if (a.checksum === "integrity" && a.integrity === undefined) {
    ctx.addIssue({ code: "custom", path: ["checksum"], message: `"integrity" for a file checked by its sha256 (it has no integrity)` });
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

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, "a sha256 as 64 lowercase hex characters");

/** Which catalogue entry produced the tool (recipes/types.ts CatalogRecord). */
const catalogSchema = z.strictObject({
  registry: checked(catalogRegistryProblem),
  ref: z.string().regex(/^[0-9a-f]{40}$/, "a full commit sha (40 lowercase hex characters)").optional(),
  sha256: hex64,
  package: checked(packageNameProblem),
  entry: hex64,
});

/** Signature metadata, kept for a later verification step: plain JSON, bounded. */
const signaturesSchema = z.record(z.string(), z.unknown()).superRefine((v, ctx) => {
  if (JSON.stringify(v).length > 16_384) ctx.addIssue({ code: "custom", message: "more than 16 KiB of signature metadata" });
});

export const lockEntrySchema = z.strictObject({
  request: checked((s) => textProblem(s, "a version range")),
  version: checked(versionProblem),
  source: z.string(),
  recipeRevision: z.number().int().min(0),
  options: z.record(z.string(), z.unknown()).optional(),
  catalog: catalogSchema.optional(),
  signatures: signaturesSchema.optional(),
  platforms: z.partialRecord(z.enum(PLATFORM_KEYS), artifactSchema),
});

export const lockFileSchema = z.strictObject({
  lockVersion: z.literal(LOCK_VERSION),
  tools: z.record(z.string(), lockEntrySchema).superRefine((tools, ctx) => {
    for (const [name, entry] of Object.entries(tools)) {
      const bad = toolNameProblem(name);
      if (bad) ctx.addIssue({ code: "custom", path: [name], message: bad });
      else if (entry.source !== "inline" && entry.source !== `registry:${name}` && sourceProblem(entry.source)) {
        ctx.addIssue({ code: "custom", path: [name, "source"], message: `${shown(entry.source.slice(0, 200))} is not "inline", "registry:${name}", "aqua:<package>" or "github:<owner>/<repo>"` });
      } else if (entry.source.startsWith("aqua:") !== (entry.catalog !== undefined)) {
        ctx.addIssue({ code: "custom", path: [name, "catalog"], message: entry.catalog ? `only an aqua: tool records a catalogue entry` : `an aqua: tool records the catalogue entry it came from` });
      } else if (entry.catalog && `aqua:${entry.catalog.package}` !== entry.source) {
        ctx.addIssue({ code: "custom", path: [name, "catalog", "package"], message: `${shown(entry.catalog.package)} is not the package of source ${shown(entry.source)}` });
      }
    }
  }),
});

export type LockEntry = z.infer<typeof lockEntrySchema>;
export type LockFile = z.infer<typeof lockFileSchema>;
export type LockedArtifact = z.infer<typeof artifactSchema>;

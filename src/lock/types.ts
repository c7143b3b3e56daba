import * as z from "zod";
import { PLATFORM_KEYS } from "../config/schema.js";

export const LOCK_VERSION = 1;

/** An http(s) URL, or `npm:<path>` resolved against the user's npm registry at request time. */
const url = z.string().regex(/^(https?:\/\/|npm:[^/])/, "an http(s) URL or npm:<package path>");

const fileFields = {
  url,
  sha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  /** SRI (`sha512-<base64>`), for upstreams that publish no sha256 (npm). */
  integrity: z.string().regex(/^sha512-[A-Za-z0-9+/]{86}==$/, "an SRI sha512 digest").optional(),
  format: z.enum(["tar.gz", "tar.xz", "tar.zst", "tar", "zip", "raw"]),
  strip: z.union([z.number().int().min(0), z.literal("auto")]),
  size: z.number().int().min(0).optional(),
};

const oneDigest = (a: { sha256?: string | undefined; integrity?: string | undefined }) => (a.sha256 === undefined) !== (a.integrity === undefined);
const oneDigestMessage = { message: "needs exactly one of sha256 and integrity" };

const partSchema = z
  .strictObject({
    ...fileFields,
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._+-]*$/),
    dir: z.string().regex(/^(?!\/)(?!.*(^|\/)\.\.(\/|$)).*$/, "a relative path inside the install").optional(),
  })
  .refine(oneDigest, oneDigestMessage);

const artifactSchema = z
  .strictObject({
    ...fileFields,
    requires: z.strictObject({ glibc: z.string().regex(/^\d+\.\d+$/).optional() }).optional(),
    parts: z.array(partSchema).optional(),
  })
  .refine(oneDigest, oneDigestMessage);

export const lockEntrySchema = z.strictObject({
  request: z.string().min(1),
  version: z.string().min(1),
  source: z.string().min(1),
  recipeRevision: z.number().int().min(0),
  options: z.record(z.string(), z.unknown()).optional(),
  platforms: z.partialRecord(z.enum(PLATFORM_KEYS), artifactSchema),
});

export const lockFileSchema = z.strictObject({
  lockVersion: z.literal(LOCK_VERSION),
  tools: z.record(z.string(), lockEntrySchema),
});

export type LockEntry = z.infer<typeof lockEntrySchema>;
export type LockFile = z.infer<typeof lockFileSchema>;
export type LockedArtifact = z.infer<typeof artifactSchema>;

import * as z from "zod";
import { PLATFORM_KEYS } from "../config/schema.js";

export const LOCK_VERSION = 1;

const artifactSchema = z.strictObject({
  url: z.string().regex(/^https?:\/\//),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  format: z.enum(["tar.gz", "tar.xz", "tar.zst", "tar", "zip", "raw"]),
  strip: z.union([z.number().int().min(0), z.literal("auto")]),
  size: z.number().int().min(0).optional(),
});

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

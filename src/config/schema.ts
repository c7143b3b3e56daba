/**
 * The one source of truth for devenv.ts: the zod schema below gives the runtime validation,
 * the TypeScript types (`DevenvConfig`) and devenv.schema.json (scripts/gen-schema.ts).
 */
import * as z from "zod";
import { TOOL_NAME } from "../lock/names.js";
import { UNLOCKABLE_ENV } from "./env-names.js";

import { PLATFORM_KEYS } from "../platform/keys.js";

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, "a sha256 as 64 lowercase hex characters");

export const toolObjectSchema = z
  .looseObject({
    version: z.string().min(1).describe('Version range: "17", "3.12", "^1.2", "1.2.3" or "latest"'),
    url: z
      .string()
      .regex(/^https?:\/\//, "an http(s) URL")
      .optional()
      .describe("Inline tool: download URL; {version}, {os} (linux|darwin) and {arch} (x64|arm64) are filled in"),
    sha256: z
      .union([sha256, z.partialRecord(z.enum(PLATFORM_KEYS), sha256)])
      .optional()
      .describe("Inline tool: sha256 of the download, or one per platform"),
    bin: z.array(z.string().min(1)).optional().describe("Directories inside the archive to put on PATH (default: bin)"),
    strip: z.number().int().min(0).max(8).optional().describe("Leading path components to drop when unpacking"),
    checksum: z
      .literal("first-download")
      .optional()
      .describe(
        'Where the upstream publishes no checksum for a file (no digest, checksum file or table entry): "first-download" downloads it once when locking and locks the sha256 of those bytes. Refused under strictChecksums',
      ),
  })
  .describe("A tool with options");

export const toolSpecSchema = z.union([
  z.string().min(1).describe('Version range: "17", "3.12", "^1.2", "1.2.3" or "latest"'),
  toolObjectSchema,
]);

export const configSchema = z
  .strictObject({
    $schema: z.string().optional(),
    tools: z
      .record(z.string().regex(TOOL_NAME, "a lowercase tool name (letters, digits, . _ -)"), toolSpecSchema)
      .optional()
      .describe("Tools by name, each a version range or an object with `version` and options"),
    env: z
      .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "an environment variable name"), z.string())
      .optional()
      .describe("Environment variables; ${root} expands to the project root. Loader (LD_*, DYLD_*), shell start-up, shell-managed and devenv's own names are refused"),
    unsafeEnv: z
      .array(z.string().regex(UNLOCKABLE_ENV, "a dynamic loader variable (LD_*, DYLD_*, GCONV_PATH): only those can be unlocked"))
      .optional()
      .describe('Loader variables `env` may set anyway, e.g. ["LD_LIBRARY_PATH"]: they reach every program started in the project\'s shell, system ones included'),
    platforms: z.array(z.enum(PLATFORM_KEYS)).optional().describe("Platforms to record in devenv.lock besides this one"),
    autoInstall: z.boolean().optional().describe("Install missing tools when the shell hook enters the project (default true)"),
    strictChecksums: z
      .boolean()
      .optional()
      .describe('Refuse checksums trusted on first download: never lock one, and refuse a devenv.lock that has one (also DEVENV_STRICT_CHECKSUMS=1 or --strict)'),
  })
  .describe("devenv project configuration (devenv.ts)");

export type DevenvConfig = z.input<typeof configSchema>;
export type ToolSpec = z.input<typeof toolSpecSchema>;

export function configJsonSchema(): unknown {
  const schema = z.toJSONSchema(configSchema, { target: "draft-2020-12" }) as Record<string, unknown>;
  return { ...schema, title: "devenv.ts" };
}

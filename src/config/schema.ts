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
    bin: z.array(z.string().min(1)).optional().describe("Inline tool: directories inside the archive to put on PATH (default: bin). github: tool: the commands to put on PATH (default: the one named like the repository)"),
    aqua: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*){1,3}$/, "an aqua package name such as BurntSushi/ripgrep")
      .optional()
      .describe("Catalogue tool: the aqua registry package (owner/repo), when the tool's name alone is not unique"),
    github: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/, "a GitHub repository as owner/repo")
      .optional()
      .describe("A tool from a GitHub repository's releases (owner/repo), for tools the catalogue lacks"),
    asset: z
      .string()
      .min(1)
      .optional()
      .describe("github: tool: which release asset to take, a pattern with * and {os} {arch} (default: picked by OS, arch and format)"),
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

const portSchema = z.union([z.number().int().min(1).max(65535), z.literal("auto")]);
const commandSchema = z.union([z.string().min(1), z.array(z.string()).min(1)]);
const signalSchema = z.enum(["SIGTERM", "SIGINT", "SIGQUIT", "SIGHUP", "SIGKILL", "SIGUSR1", "SIGUSR2"]);

export const postgresServiceSchema = z
  .strictObject({
    port: portSchema.optional().describe('TCP port, or "auto" (default): a free port picked once for this checkout and kept'),
    databases: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_$-]{0,62}$/, "a database name")).optional().describe("Databases created on the first `devenv up` (and when added later)"),
    user: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, "a role name").optional().describe('The superuser initdb creates (default "postgres")'),
    settings: z.record(z.string().regex(/^[a-z_][a-z0-9_.]*$/, "a server setting name"), z.union([z.string(), z.number(), z.boolean()])).optional().describe("Server settings, passed as -c name=value"),
    initdbArgs: z.array(z.string()).optional().describe("Extra initdb arguments"),
    initScript: z.string().optional().describe("SQL run once, after the databases are created, in the first database"),
    listen: z.enum(["socket", "localhost"]).optional().describe('"localhost" (default): 127.0.0.1 and the socket; "socket": the Unix socket only'),
  })
  .describe("A per-project PostgreSQL server, run by `devenv up` from the project's postgres tool");

export const processSchema = z
  .strictObject({
    command: commandSchema.describe("A shell command line, or argv as a list; ${port} and ${root} are filled in"),
    cwd: z.string().optional().describe("Working directory, relative to the project root (default: the root)"),
    env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "an environment variable name"), z.string()).optional().describe("Extra environment variables; ${port} and ${root} are filled in"),
    port: portSchema.optional().describe('The port this process listens on (number, or "auto"): given to it as PORT and exported as <NAME>_PORT'),
    after: z.array(z.string()).optional().describe("Processes (or \"postgres\") that must be ready before this one starts"),
    ready: z
      .union([
        z.strictObject({ tcp: z.union([z.number().int().min(1).max(65535), z.literal("port")]) }),
        z.strictObject({ http: z.string().regex(/^https?:\/\//, "an http(s) URL") }),
        z.strictObject({ exec: commandSchema }),
      ])
      .optional()
      .describe('When the process is ready: { tcp: port | "port" }, { http: url } (any 2xx/3xx), or { exec: command } (exit 0); default: once started'),
    readyTimeout: z.number().positive().optional().describe("Seconds to wait for readiness (default 60)"),
    restart: z.enum(["no", "on-failure", "always"]).optional().describe('Restart when it exits: "no" (default), "on-failure" (non-zero exit or a signal), "always"'),
    stopSignal: signalSchema.optional().describe("Signal that asks it to stop (default SIGTERM)"),
    stopTimeout: z.number().positive().optional().describe("Seconds to wait after stopSignal before SIGKILL (default 10)"),
  })
  .describe("One of the project's own processes, run by `devenv up`");

export const servicesSchema = z
  .strictObject({ postgres: postgresServiceSchema.optional() })
  .describe("Services `devenv up` runs for this project (data, sockets and logs in devenv's state dir)");

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
    aquaRegistries: z
      .array(z.string().max(16 << 20))
      .max(16)
      .optional()
      .describe('The project\'s own aqua registry files, for private tools: `import tools from "./tools.yaml"` (the text of the file; `devenv allow` covers it like any import) and `aquaRegistries: [tools]`. Their packages are found before the public registry\'s'),
    cache: z
      .strictObject({
        url: z.string().min(1).max(2048).describe("oci://host[:port]/namespace/repo, oci+http://… (no TLS), or oci-layout:<dir> (relative to the project)"),
        pull: z.boolean().optional().describe("Ask the cache before the upstream (default true)"),
        push: z.boolean().optional().describe("`devenv install` also pushes what the cache lacks (default false; `devenv cache push` and `install --push` always do)"),
      })
      .optional()
      .describe("A team's artifact cache: an OCI registry (or layout) that serves every locked download by its sha256. The user's config file and DEVENV_CACHE win over it"),
    services: servicesSchema.optional(),
    processes: z
      .record(z.string().regex(/^[a-z][a-z0-9_-]{0,39}$/, "a lowercase process name (letters, digits, _ -)"), processSchema)
      .optional()
      .describe("The project's own servers and workers, run by `devenv up`"),
  })
  .describe("devenv project configuration (devenv.ts)");

export type DevenvConfig = z.input<typeof configSchema>;
export type ToolSpec = z.input<typeof toolSpecSchema>;

export function configJsonSchema(): unknown {
  const schema = z.toJSONSchema(configSchema, { target: "draft-2020-12" }) as Record<string, unknown>;
  return { ...schema, title: "devenv.ts" };
}

/**
 * A project's services, ready to run: the project pipeline (lock, install, ports) through the same
 * path as `devenv exec`, then each process as the supervisor runs it, in the project's environment.
 */
import { DevenvError } from "../../errors.js";
import { POSTGRES, type ServicesConfig } from "../../config/services.js";
import { servicePaths, type ServicePaths } from "../../services/paths.js";
import { checkPortFree, readPorts } from "../../services/ports.js";
import { postgresSpec, serverUser } from "../../services/postgres/index.js";
import { processSpec, withDependencies } from "../../services/specs.js";
import type { ProcessSpec } from "../../services/types.js";
import { chainEnv, prepareChain } from "../activation/index.js";
import type { AppContext } from "../context.js";
import { requireRoot } from "../project/load.js";
import { realRoot } from "../project/trust.js";

export interface LoadedServices {
  root: string;
  paths: ServicePaths;
  /** Everything to start, in start order. */
  specs: ProcessSpec[];
  /** Lines worth telling the user (an implicit postgres tool). */
  notes: string[];
}

/** Where a project's services live, without loading devenv.ts (down, ps and logs work on a broken config). */
export function projectServicePaths(ctx: AppContext): { root: string; paths: ServicePaths } {
  const root = requireRoot(ctx);
  return { root, paths: servicePaths(ctx.dirs.state, realRoot(root), ctx.env) };
}

export async function loadServices(ctx: AppContext, names: readonly string[] = []): Promise<LoadedServices> {
  const layers = await prepareChain(ctx);
  const nearest = layers.at(-1)!;
  const { project } = nearest;
  const services = project.services;
  if (!services || (!services.postgres && services.processes.length === 0)) {
    throw new DevenvError("USAGE", `${project.file} declares no services or processes`, {
      exitCode: 1,
      hint: 'Add some to devenv.ts, e.g. services: { postgres: { databases: ["app"] } } or processes: { web: { command: "npm run dev", port: "auto" } }.',
    });
  }
  const paths = servicePaths(ctx.dirs.state, realRoot(project.root), ctx.env);
  const ports = readPorts(paths);
  const env = chainEnv(layers, ctx.env);
  const notes: string[] = [];
  const specs: ProcessSpec[] = [];
  if (services.postgres) {
    const i = nearest.installed.findIndex((t) => t.name === "postgres");
    const tool = nearest.installed[i]!;
    const req = project.tools.find((t) => t.name === "postgres");
    if (req?.implicit) notes.push(`services.postgres: tools has no postgres, so devenv uses postgres ${tool.version} (pin its major: devenv add postgres@${tool.version.split(".")[0]})`);
    const who = serverUser(ctx.env);
    if (who.note) notes.push(who.note);
    specs.push(postgresSpec(services.postgres, { binDir: binDirOf(tool), version: tool.version, paths, port: ports[POSTGRES]!, env }));
  }
  for (const p of services.processes) specs.push(processSpec(p, { root: project.root, env, ports }));
  const tcp = (s: ProcessSpec) => s.port !== undefined && (s.name !== POSTGRES || services.postgres?.listen === "localhost");
  return { root: project.root, paths, specs: pick(specs, services, names, project.file).map((s) => (tcp(s) ? withPortCheck(s, project.file) : s)), notes };
}

/**
 * Before the process starts (after a killed supervisor's leftovers are stopped): its port must be
 * free, else an error naming who holds it, rather than a server that dies with EADDRINUSE in its log.
 */
function withPortCheck(spec: ProcessSpec, file: string): ProcessSpec {
  const port = spec.port!;
  const prepare = spec.prepare;
  return {
    ...spec,
    async prepare(log) {
      const busy = await checkPortFree(port);
      if (busy) {
        throw new DevenvError("USAGE", busy, {
          exitCode: 1,
          hint: `Stop that process, or give ${spec.name} another port in ${file} (a number, or "auto" to let devenv pick one).`,
        });
      }
      await prepare?.(log);
    },
  };
}

function binDirOf(tool: { dir: string; receipt: { bin: string[] } }): string {
  const bin = tool.receipt.bin[0] ?? "bin";
  return bin === "." ? tool.dir : `${tool.dir}/${bin}`;
}

/** `devenv up a b`: those and what they wait for; an unknown name is an error listing the known ones. */
function pick(specs: ProcessSpec[], services: ServicesConfig, names: readonly string[], file: string): ProcessSpec[] {
  if (!names.length) return specs;
  const known = specs.map((s) => s.name);
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length) {
    throw new DevenvError("USAGE", `${unknown.map((n) => `'${n}'`).join(", ")} ${unknown.length > 1 ? "are" : "is"} not a service or process of ${file}`, {
      exitCode: 1,
      hint: `Known: ${known.join(", ")}${services.postgres ? "" : " (services.postgres is not configured)"}.`,
    });
  }
  const want = new Set(withDependencies(specs, names));
  return specs.filter((s) => want.has(s.name));
}

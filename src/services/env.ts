/**
 * What the activation exports for a project's services, so clients find them with no set-up:
 * Postgres's PGHOST, PGPORT, PGDATA, PGUSER, PGDATABASE and DATABASE_URL, and `<NAME>_PORT` for
 * each process with a port. Nothing is started: the ports are the ones picked for this checkout.
 */
import { POSTGRES, type ServicesConfig } from "../config/services.js";
import { servicePaths, type ServicePaths } from "./paths.js";
import { assignPorts, readPorts } from "./ports.js";
import { postgresEnv } from "./postgres/spec.js";
import { portVariable } from "./specs.js";
import { recordProjectDir } from "../state/project-record.js";

export function servicesEnv(services: ServicesConfig, paths: ServicePaths, ports: Record<string, number>): Record<string, string> {
  const out: Record<string, string> = {};
  if (services.postgres && ports[POSTGRES] !== undefined) Object.assign(out, postgresEnv(services.postgres, { paths, port: ports[POSTGRES] }));
  for (const p of services.processes) {
    const port = ports[p.name];
    if (p.port !== undefined && port !== undefined) out[portVariable(p.name)] = String(port);
  }
  return out;
}

/** The environment of a project's services, from the ports recorded for it (none recorded: none exported). */
export function projectServicesEnv(stateRoot: string, realRoot: string, services: ServicesConfig | undefined, env: NodeJS.ProcessEnv): Record<string, string> {
  if (!services) return {};
  const paths = servicePaths(stateRoot, realRoot, env);
  return servicesEnv(services, paths, readPorts(paths));
}

/** Pick (once) the ports this checkout's services use, and record which project the state dir is for. */
export async function ensurePorts(stateRoot: string, realRoot: string, services: ServicesConfig | undefined, env: NodeJS.ProcessEnv): Promise<void> {
  if (!services) return;
  const wants = [
    ...(services.postgres ? [{ name: POSTGRES, port: services.postgres.port }] : []),
    ...services.processes.flatMap((p) => (p.port === undefined ? [] : [{ name: p.name, port: p.port }])),
  ];
  await recordProjectDir(stateRoot, realRoot);
  if (!wants.length) return;
  const paths = servicePaths(stateRoot, realRoot, env);
  // Every refresh of the project passes here: when each port is already recorded as asked, no
  // machine-wide lock and no scan of other projects (a clash since then is caught when `up` binds).
  const have = readPorts(paths);
  if (wants.every((w) => (w.port === "auto" ? have[w.name] !== undefined : have[w.name] === w.port))) return;
  await assignPorts(stateRoot, paths, wants);
}

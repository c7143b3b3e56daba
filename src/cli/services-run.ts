/**
 * The supervisor of a project's services in this process: `devenv up` (foreground, lines printed)
 * and `devenv services-run` (what `up -d` starts in the background). Signals are the controls:
 * SIGINT/SIGTERM/SIGHUP stop everything in reverse order, SIGUSR2 picks up `devenv restart` requests.
 */
import type { LoadedServices } from "../app/services/index.js";
import { Supervisor, type SupervisorEvent } from "../services/supervisor.js";
import { takeRequests } from "../services/control.js";
import { takeOverSignals } from "./common.js";

export async function superviseHere(
  loaded: LoadedServices,
  mode: "foreground" | "detached",
  onEvent: (e: SupervisorEvent) => void,
  onReady: () => void = () => {},
): Promise<"stopped" | "stopped while starting"> {
  const sup = new Supervisor({ paths: loaded.paths, specs: loaded.specs, mode, onEvent });
  takeOverSignals();
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void sup.stop();
  };
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(sig, stop);
  process.on("SIGUSR2", () => {
    if (stopping) return;
    for (const req of takeRequests(loaded.paths)) void sup.restart(req.names.length ? req.names : undefined);
  });
  try {
    await sup.start();
  } catch (e) {
    // Ctrl-C (or `devenv down`) while starting: what the user asked for, not a failure.
    if (!stopping) throw e;
    await sup.finished;
    return "stopped while starting";
  }
  onReady();
  await sup.finished;
  return "stopped";
}

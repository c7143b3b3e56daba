/**
 * A supervisor in a process of its own, for the supervisor tests: reads { paths, specs } from the
 * JSON file named by argv[2], starts, prints "READY" (or "FAILED <message>"), and maps signals as
 * the CLI does: SIGTERM/SIGINT → stop() then exit, SIGUSR2 → takeRequests() → restart().
 */
import { readFileSync } from "node:fs";
import { takeRequests } from "../../src/services/control.js";
import { Supervisor } from "../../src/services/supervisor.js";

if (!process.argv[2]) process.exit(0); // picked up as a test file by a directory run: nothing to do
const { paths, specs, backoff } = JSON.parse(readFileSync(process.argv[2], "utf8"));
const sup = new Supervisor({ paths, specs, mode: "detached", ...(backoff ? { backoff } : {}), onEvent: (e) => console.log(`EVENT ${e.type} ${e.name}${e.detail ? ` ${e.detail}` : ""}`) });
const down = () => void sup.stop().then(() => process.exit(0));
process.on("SIGTERM", down);
process.on("SIGINT", down);
process.on("SIGUSR2", () => {
  // As the CLI does: nobody waits for the restart (its outcome is in status.json).
  for (const r of takeRequests(paths)) void sup.restart(r.names.length ? r.names : undefined);
});
sup.start().then(
  () => console.log("READY"),
  (e) => {
    console.log(`FAILED ${e.message}`);
    process.exit(1);
  },
);

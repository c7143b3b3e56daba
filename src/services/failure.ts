/** A process that did not start: its name, why, and the last lines of its log (shown by `up`). */
import { DevenvError } from "../errors.js";
import { lastLines } from "./logs.js";

export const FAILURE_LOG_LINES = 20;

export class ProcessStartError extends DevenvError {
  readonly process: string;
  readonly reason: string;
  readonly logLines: string[];

  constructor(name: string, reason: string, logFile: string, cause?: unknown) {
    const lines = lastLines(logFile, FAILURE_LOG_LINES);
    const tail = lines.length ? `\nlast ${lines.length} line${lines.length === 1 ? "" : "s"} of ${logFile}:\n${lines.map((l) => `  ${l}`).join("\n")}` : `\n(${logFile} is empty)`;
    super("SERVICE", `${name} did not start: ${reason}${tail}`, {
      // The cause's own hint (pin the postgres major, free the port, fix the command) comes first.
      hint: `${cause instanceof DevenvError && cause.hint ? `${cause.hint} ` : ""}Everything started with it was stopped. 'devenv logs ${name}' shows its whole log.`,
      ...(cause !== undefined ? { cause } : {}),
    });
    this.name = "ProcessStartError";
    this.process = name;
    this.reason = reason;
    this.logLines = lines;
  }
}

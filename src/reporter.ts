/**
 * How use cases tell the user what is happening without printing: the CLI passes a Reporter
 * that renders progress bars on a TTY and plain lines otherwise; tests pass a recorder.
 */
export interface DownloadTask {
  /** e.g. "node 20.18.0" */
  label: string;
  /** Total bytes if known. */
  total: number | undefined;
  /** Called with the number of new bytes received. */
  advance(bytes: number): void;
  /** Download verified and unpacked; `note` is said after its size and time (e.g. "from the cache"). */
  done(note?: string): void;
  fail(message: string): void;
}

export interface Reporter {
  /** Start a download; several may run at once. */
  download(label: string, total: number | undefined): DownloadTask;
  /** A one-line status message (e.g. "waiting for another devenv installing node 20.18.0"). */
  info(message: string): void;
  warn(message: string): void;
}

export const silentReporter: Reporter = {
  download: () => ({ label: "", total: undefined, advance() {}, done() {}, fail() {} }),
  info() {},
  warn() {},
};

/** Typed errors: a stable code, a message saying what went wrong and where, and a hint saying what to do. */
export type ErrorCode =
  | "CONFIG_NOT_FOUND"
  | "CONFIG_SYNTAX"
  | "CONFIG_IMPORT"
  | "CONFIG_EVAL"
  | "CONFIG_SCHEMA"
  | "CONFIG_EDIT"
  | "NOT_ALLOWED"
  | "UNKNOWN_TOOL"
  | "NO_MATCHING_VERSION"
  | "UNSUPPORTED_PLATFORM"
  | "UNSUPPORTED_TARGET"
  | "HOST_UNSUPPORTED"
  | "LOCK_INVALID"
  | "LOCK_FROZEN"
  | "LOCK_URL_MISMATCH"
  | "CHECKSUM_MISMATCH"
  | "CHECKSUM_MISSING"
  | "CHECKSUM_UNTRUSTED"
  | "UNSAFE_ARCHIVE"
  | "ARCHIVE"
  | "HTTP"
  | "OFFLINE"
  | "NOT_INSTALLED"
  | "ENV_INVALID"
  | "USAGE"
  | "ROOT_UNREADABLE"
  /** A service or process did not start, or could not be stopped (src/services). */
  | "SERVICE"
  /** A team's artifact cache (an OCI registry or layout) could not be used (src/cache). */
  | "CACHE"
  | "IO";

export class DevenvError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly exitCode: number;

  constructor(code: ErrorCode, message: string, opts: { hint?: string; cause?: unknown; exitCode?: number } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = "DevenvError";
    this.code = code;
    this.hint = opts.hint;
    this.exitCode = opts.exitCode ?? (code === "USAGE" ? 2 : 1);
  }
}


/** Remove credentials from a URL before it appears in a message. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.username || u.password) {
      u.username = "***";
      u.password = "";
    }
    for (const k of [...u.searchParams.keys()]) {
      if (/token|sig|key|secret|password/i.test(k)) u.searchParams.set(k, "***");
    }
    return u.toString();
  } catch {
    return url;
  }
}

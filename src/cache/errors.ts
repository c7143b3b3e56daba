import { DevenvError } from "../errors.js";
import type { CacheFailure } from "./types.js";

/**
 * A cache that could not be used, and why. Pull falls back to upstream on any of them (one line);
 * push and bundle report them. The message never holds a credential or a token.
 */
export class CacheError extends DevenvError {
  constructor(readonly failure: CacheFailure, message: string, opts: { hint?: string; cause?: unknown } = {}) {
    super("CACHE", message, opts);
  }
}

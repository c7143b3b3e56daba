import { Readable } from "node:stream";
import { DevenvError } from "../errors.js";
import { timeoutError, type HttpLimits } from "./http-limits.js";

/**
 * A response body with the idle and minimum-speed bounds: fails with a DevenvError naming the host
 * and the setting when no byte came for `idleMs`, or fewer than `minSpeed` bytes/s over a window of
 * `minSpeedMs`. Only the time the reader is waiting for data counts: a reader that is slow itself
 * (back-pressure: a slow disk, a decompressor) never trips it.
 */
export function boundedBody(src: Readable, url: string, limits: HttpLimits): Readable {
  return new BoundedBody(src, url, limits);
}

const UNDICI_IDLE = new Set(["UND_ERR_BODY_TIMEOUT"]);

class BoundedBody extends Readable {
  /** Wanting time (ms) accumulated before the current wanting period. */
  private banked = 0;
  /** Start of the current wanting period (performance.now), or undefined when not wanting. */
  private since: number | undefined;
  private lastData = 0;
  private windowStart = 0;
  private windowBytes = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly src: Readable,
    private readonly url: string,
    private readonly limits: HttpLimits,
  ) {
    super({ highWaterMark: 1 << 20 });
    src.pause();
    src.on("data", (chunk: Buffer) => {
      const now = this.clock();
      this.lastData = now;
      this.windowBytes += chunk.length;
      if (!this.push(chunk)) {
        this.stopWanting();
        src.pause();
      }
    });
    src.once("end", () => {
      this.stopTimer();
      this.push(null);
    });
    src.on("error", (e: Error) => this.destroy(this.mapError(e)));
    // An aborted body that ends without 'end' and without an error: say so rather than hang.
    src.once("close", () => {
      if (!src.readableEnded && !this.destroyed) this.destroy(this.mapError(src.errored ?? new Error("the connection closed early")));
    });
  }

  /** Milliseconds spent wanting data so far. */
  private clock(): number {
    return this.banked + (this.since === undefined ? 0 : performance.now() - this.since);
  }

  private stopWanting(): void {
    if (this.since === undefined) return;
    this.banked += performance.now() - this.since;
    this.since = undefined;
  }

  override _read(): void {
    if (this.since === undefined) this.since = performance.now();
    if (!this.timer) {
      const { idleMs, minSpeed, minSpeedMs } = this.limits;
      const span = Math.min(idleMs, minSpeed > 0 ? minSpeedMs : idleMs);
      this.timer = setInterval(() => this.check(), Math.max(20, Math.min(1000, Math.floor(span / 10))));
      this.timer.unref(); // the socket keeps the process alive while a byte is awaited
    }
    this.src.resume();
  }

  private check(): void {
    const now = this.clock();
    if (now - this.lastData >= this.limits.idleMs) return void this.destroy(timeoutError("idle", this.url, this.limits));
    const { minSpeed, minSpeedMs } = this.limits;
    if (minSpeed <= 0 || now - this.windowStart < minSpeedMs) return;
    if (this.windowBytes < (minSpeed * (now - this.windowStart)) / 1000) return void this.destroy(timeoutError("minSpeed", this.url, this.limits));
    this.windowStart = now;
    this.windowBytes = 0;
  }

  private mapError(e: Error): Error {
    if (e instanceof DevenvError) return e;
    if (UNDICI_IDLE.has((e as { code?: string }).code ?? "")) return timeoutError("idle", this.url, this.limits, e);
    return e;
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.stopWanting();
  }

  override _destroy(err: Error | null, cb: (e?: Error | null) => void): void {
    this.stopTimer();
    if (!this.src.destroyed) this.src.destroy();
    cb(err);
  }
}

import type { DownloadTask, Reporter } from "../reporter.js";
import { safeText } from "../text.js";
import { formatBytes } from "../store/space.js";

/** One size format for every command (progress, gc, store ls): store/space.ts's. */
export const fmtBytes = formatBytes;
const fmtTime = (s: number) => (s >= 60 ? `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, "0")}s` : `${Math.round(s)}s`);

interface Bar {
  label: string;
  total: number | undefined;
  got: number;
  started: number;
  state: "run" | "done" | "fail";
  note: string;
}

/**
 * Renders downloads on stderr: live bars (bytes, speed, ETA, several at once) on a TTY,
 * one line per start and finish otherwise. The only printing of progress in the program.
 */
export function createProgressReporter(stream: NodeJS.WriteStream = process.stderr, opts: { quiet?: boolean } = {}): Reporter {
  const tty = Boolean(stream.isTTY) && process.env.TERM !== "dumb" && !process.env.CI;
  const bars: Bar[] = [];
  let drawn = 0;
  let timer: NodeJS.Timeout | undefined;

  const line = (b: Bar): string => {
    const secs = Math.max((Date.now() - b.started) / 1000, 0.001);
    const speed = b.got / secs;
    if (b.state !== "run") return `${b.state === "done" ? "✓" : "✗"} ${b.label}  ${b.note}`;
    const width = 24;
    const frac = b.total ? Math.min(b.got / b.total, 1) : 0;
    const bar = b.total ? "█".repeat(Math.round(frac * width)).padEnd(width, "░") : "".padEnd(width, "·");
    const eta = b.total && b.got >= b.total ? "  unpacking…" : b.total && speed > 0 ? ` ETA ${fmtTime((b.total - b.got) / speed)}` : "";
    const size = b.total ? `${fmtBytes(b.got)}/${fmtBytes(b.total)}` : fmtBytes(b.got);
    return `  ${b.label.padEnd(22)} ${bar} ${size}  ${fmtBytes(speed)}/s${eta}`;
  };

  const draw = () => {
    if (!tty) return;
    let out = drawn ? `\x1b[${drawn}A` : "";
    for (const b of bars) out += `\x1b[2K${line(b).slice(0, (stream.columns || 100) - 1)}\n`;
    drawn = bars.length;
    stream.write(out);
    // Finished bars scroll up and stay; only running ones are redrawn.
    while (bars.length && bars[0]!.state !== "run") {
      bars.shift();
      drawn--;
    }
    if (!bars.length && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };

  const print = (msg: string, always = false) => {
    if (opts.quiet && !always) return;
    if (tty && drawn) {
      stream.write(`\x1b[${drawn}A\x1b[0J`);
      drawn = 0;
    }
    stream.write(msg + "\n");
    draw();
  };

  return {
    download(label, total): DownloadTask {
      const b: Bar = { label, total, got: 0, started: Date.now(), state: "run", note: "" };
      if (tty && !opts.quiet) {
        bars.push(b);
        timer ??= setInterval(draw, 100);
        timer.unref();
      } else if (!opts.quiet) {
        stream.write(`downloading ${label}${total ? ` (${fmtBytes(total)})` : ""}\n`);
      }
      return {
        label,
        get total() {
          return b.total;
        },
        set total(v) {
          b.total = v;
        },
        advance(n) {
          b.got += n;
        },
        done(note) {
          b.state = "done";
          b.note = `${fmtBytes(b.got)} in ${((Date.now() - b.started) / 1000).toFixed(1)}s${note ? `, ${note}` : ""}`;
          if (opts.quiet) return;
          if (tty) draw();
          else stream.write(`installed ${label} (${b.note})\n`);
        },
        fail(message) {
          b.state = "fail";
          b.note = message.split("\n")[0] ?? "";
          if (opts.quiet) return;
          if (tty) draw();
          else stream.write(`failed ${label}: ${b.note}\n`);
        },
      };
    },
    // A message may quote a path: its control characters are written escaped (src/text.ts).
    info: (m) => print(safeText(m)),
    // Warnings even under -q (which hides progress): a refused cache copy must not go unseen.
    warn: (m) => print(`warning: ${safeText(m)}`, true),
  };
}

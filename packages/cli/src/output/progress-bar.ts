const REDRAW_MS = 100;
const BAR_WIDTH = 24;
const COUNT = new Intl.NumberFormat('en-US');

/** What a long step tells about itself. */
export interface Progress {
  /** Rows read so far, and bytes of the file read (with its size when known). */
  reading(rows: number, bytes: number, size: number | undefined): void;
  /** A named step after reading, with its position: `building the profile (3 of 10 features)`. */
  step(text: string): void;
  /** Clears the line. */
  done(): void;
}

/** Progress that shows nothing: when the output is not a terminal, or with `--quiet`. */
export const SILENT_PROGRESS: Progress = { reading() {}, step() {}, done() {} };

/**
 * A one-line progress bar redrawn in place on a terminal (stderr), at most ten times a second:
 * the share of the file read, rows and rows per second, then the steps after reading.
 */
export function terminalProgress(stream: NodeJS.WriteStream, label: string): Progress {
  const started = Date.now();
  let last = 0;
  let shown = false;
  const draw = (text: string, force = false) => {
    const now = Date.now();
    if (!force && now - last < REDRAW_MS) return;
    last = now;
    shown = true;
    // A terminal of unknown size (0 columns, as a fresh pseudo-terminal) counts as 80 wide.
    const width = stream.columns || 80;
    stream.write(`\r\x1b[K${text.length >= width ? text.slice(0, width - 1) : text}`);
  };
  return {
    reading(rows, bytes, size) {
      const seconds = (Date.now() - started) / 1000;
      const rate = seconds > 0 ? ` ${COUNT.format(Math.round(rows / seconds))} rows/s` : '';
      // `file.csv [#####-------]  41%  410,000 rows  95,000 rows/s`
      if (size === undefined || size === 0) {
        draw(`${label}: ${COUNT.format(rows)} rows${rate}`);
        return;
      }
      const share = Math.min(1, bytes / size);
      const filled = Math.round(share * BAR_WIDTH);
      draw(
        `${label} [${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${String(Math.floor(share * 100)).padStart(3)}%  ${COUNT.format(rows)} rows ${rate}`,
      );
    },
    step(text) {
      draw(`${label}: ${text}`, true);
    },
    done() {
      if (shown) stream.write('\r\x1b[K');
    },
  };
}

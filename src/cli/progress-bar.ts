/** What the bar writes to: process.stderr, or a fake stream in tests. */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): boolean;
}

export interface ImportProgress {
  bytesRead: number;
  rowsRead: number;
}

export interface ProgressBarOptions {
  stream: ProgressStream;
  /** The file's size, for the percentage. */
  totalBytes: number;
  /** Milliseconds; Date.now by default (tests pass a fake clock). */
  now?: () => number;
  /** The least time between two redraws. */
  redrawMs?: number;
}

export interface ProgressBar {
  update(progress: ImportProgress): void;
  /** Clears the bar, so the report starts on a clean line. */
  finish(): void;
}

const CLEAR_LINE = '\r\x1b[2K';
const NUMBER = new Intl.NumberFormat('en-US');
const MIN_BAR = 10;
const MAX_BAR = 40;

/**
 * A one-line progress bar (bytes %, rows, rows/s) redrawn in place with `\r`, at most once
 * per `redrawMs`. On a stream that is not a terminal it draws nothing, so piped output
 * and logs stay clean.
 */
export function createProgressBar({ stream, totalBytes, now = Date.now, redrawMs = 100 }: ProgressBarOptions): ProgressBar {
  if (stream.isTTY !== true) return { update: () => undefined, finish: () => undefined };
  const startedAt = now();
  let drawnAt: number | undefined;

  return {
    update(progress) {
      const time = now();
      if (drawnAt !== undefined && time - drawnAt < redrawMs) return;
      drawnAt = time;
      stream.write(CLEAR_LINE + renderProgressLine(progress, totalBytes, (time - startedAt) / 1000, stream.columns || 80));
    },
    finish() {
      if (drawnAt !== undefined) stream.write(CLEAR_LINE);
      drawnAt = undefined;
    },
  };
}

/** `[████████░░░░]  42%  12,345 rows  3,456 rows/s`, never wider than `columns - 1`. */
export function renderProgressLine({ bytesRead, rowsRead }: ImportProgress, totalBytes: number, elapsedSeconds: number, columns: number): string {
  const fraction = totalBytes > 0 ? Math.min(1, bytesRead / totalBytes) : 1;
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  const rate = elapsedSeconds > 0 ? Math.round(rowsRead / elapsedSeconds) : 0;
  const text = `${percent}  ${NUMBER.format(rowsRead)} rows  ${NUMBER.format(rate)} rows/s`;
  const barWidth = Math.min(MAX_BAR, columns - 1 - text.length - 3);
  if (barWidth < MIN_BAR) return text.slice(0, Math.max(0, columns - 1));
  return `${renderBar(fraction, barWidth)} ${text}`;
}

/** `[████░░░░]`: `fraction` (0..1) of `width` cells filled, plus the two brackets. */
export function renderBar(fraction: number, width: number): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}]`;
}

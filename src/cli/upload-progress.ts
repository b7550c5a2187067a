import { type ProgressStream, renderBar } from './progress-bar.js';

export interface UploadProgressOptions {
  /** Where progress goes; a terminal gets bars, anything else plain lines. */
  stream: ProgressStream;
  /** No plain lines (--json on a pipe); bars are still drawn on a terminal. */
  quiet?: boolean;
  /** Milliseconds; Date.now by default (tests pass a fake clock). */
  now?: () => number;
  /** The least time between two redraws of the bars. */
  redrawMs?: number;
}

/** Progress of every file being uploaded. */
export interface UploadProgress {
  track(name: string, totalBytes: number): FileProgress;
  /** Text that stays (a result, a report, a warning), written above the bars to `to` (the progress stream by default). */
  print(text: string, to?: ProgressStream): void;
  /** Draws the bars one last time and stops tracking them, so they stay as they were (after Ctrl-C). */
  close(): void;
}

/** One file's progress. Bytes count from the start of the file, whatever this run resumed at. */
export interface FileProgress {
  /** The server's offset when this run (or a retry) began sending. */
  started(offset: number): void;
  update(bytesSent: number): void;
  /** The server has every byte: the 100% line, then the upload URL. */
  done(url: string): void;
  /** Removes the file's bar without a line (the failure is reported apart). */
  stop(): void;
}

interface FileRow {
  name: string;
  totalBytes: number;
  bytes: number;
  /** The offset and time this run started at, for the speed: resumed bytes were not sent now. */
  startOffset?: number;
  startedAt?: number;
  /** Lines mode: the last tenth (0..9) a line was printed for. */
  tenth: number;
}

const UNITS = ['KiB', 'MiB', 'GiB', 'TiB'];
const LABEL_WIDTH = 24;
const MIN_BAR = 10;
const MAX_BAR = 30;

/**
 * A bar per file on a terminal, redrawn in place as one block below the lines that stay (at
 * most once per `redrawMs`). Elsewhere (a pipe, a log file) plain lines: one when a file
 * starts, one at each further tenth and one at the end, then the upload URL, e.g.
 * `data.csv: 4.0 MiB / 10.0 MiB (40%) 12.3 MiB/s`. A resumed upload says where it resumed.
 */
export function createUploadProgress({ stream, quiet = false, now = Date.now, redrawMs = 100 }: UploadProgressOptions): UploadProgress {
  const bars = stream.isTTY === true;
  const rows = new Set<FileRow>();
  let drawnRows = 0;
  let drawnAt: number | undefined;

  const columns = (): number => stream.columns || 80;
  const eraseBars = (): string => (drawnRows > 0 ? `\r\x1b[${drawnRows}A\x1b[J` : '');

  function redraw(): void {
    drawnAt = now();
    const labelWidth = Math.min(LABEL_WIDTH, Math.max(...[...rows].map((row) => Array.from(row.name).length)));
    const lines = [...rows].map((row) => `${renderBarRow(row, labelWidth, drawnAt!, columns())}\n`);
    stream.write(eraseBars() + lines.join(''));
    drawnRows = rows.size;
  }

  function print(text: string, to: ProgressStream = stream): void {
    if (drawnRows > 0) stream.write(eraseBars());
    drawnRows = 0;
    to.write(text);
    if (bars && rows.size > 0) redraw();
  }

  /** A line about progress: it stays above the bars on a terminal, and --json on a pipe drops it. */
  function progressLine(text: string): void {
    if (bars || !quiet) print(text);
  }

  /** `data.csv: 4.0 MiB / 10.0 MiB (40%) 12.3 MiB/s`; where a file starts (or resumes), without the speed. */
  function line(row: FileRow, bytes: number, start?: 'resuming at '): string {
    const rate = start === undefined && bytes > 0 ? speed(row, bytes, now()) : '';
    return `${row.name}: ${start ?? ''}${formatBytes(bytes)} / ${formatBytes(row.totalBytes)} (${percent(bytes, row.totalBytes)}%)${rate === '' ? '' : ` ${rate}`}\n`;
  }

  return {
    track(name, totalBytes) {
      const row: FileRow = { name, totalBytes, bytes: 0, tenth: -1 };
      rows.add(row);
      return {
        started(offset) {
          const first = row.startedAt === undefined;
          row.bytes = offset;
          row.tenth = Math.floor(percent(offset, totalBytes) / 10);
          if (first) {
            row.startOffset = offset;
            row.startedAt = now();
          }
          if (offset > 0) progressLine(line(row, offset, 'resuming at '));
          else if (!bars) progressLine(line(row, 0));
          else redraw();
        },
        update(bytesSent) {
          row.bytes = bytesSent;
          if (bars) {
            if (drawnAt === undefined || now() - drawnAt >= redrawMs) redraw();
            return;
          }
          const tenth = Math.floor(percent(bytesSent, totalBytes) / 10);
          if (tenth > row.tenth && tenth < 10) {
            row.tenth = tenth;
            progressLine(line(row, bytesSent));
          }
        },
        done(url) {
          rows.delete(row);
          progressLine(`${line(row, totalBytes)}${name}: uploaded ${url}\n`);
        },
        stop() {
          rows.delete(row);
          if (bars) redraw();
        },
      };
    },
    print,
    close() {
      if (bars && rows.size > 0) redraw();
      rows.clear();
      drawnRows = 0;
    },
  };
}

/** `data.csv  [██████░░░░]  42%  4.2 MiB / 10.0 MiB  3.1 MiB/s`, never wider than `columns - 1`. */
function renderBarRow(row: FileRow, labelWidth: number, time: number, columns: number): string {
  const label = fit(row.name, labelWidth);
  const rate = speed(row, row.bytes, time);
  const text = `${`${percent(row.bytes, row.totalBytes)}%`.padStart(4)}  ${formatBytes(row.bytes)} / ${formatBytes(row.totalBytes)}${rate === '' ? '' : `  ${rate}`}`;
  const barWidth = Math.min(MAX_BAR, columns - 1 - label.length - text.length - 6);
  if (barWidth < MIN_BAR) return `${label}  ${text}`.slice(0, Math.max(0, columns - 1));
  return `${label}  ${renderBar(row.totalBytes > 0 ? row.bytes / row.totalBytes : 1, barWidth)} ${text}`;
}

/** Whole percent, rounded down, so 100% means every byte. An empty file is 100%. */
function percent(bytes: number, totalBytes: number): number {
  return totalBytes > 0 ? Math.floor((Math.min(bytes, totalBytes) / totalBytes) * 100) : 100;
}

/** Bytes sent in this run per second, or '' before any time has passed. */
function speed(row: FileRow, bytes: number, time: number): string {
  if (row.startedAt === undefined || row.startOffset === undefined) return '';
  const seconds = (time - row.startedAt) / 1000;
  return seconds > 0 ? `${formatBytes(Math.max(0, bytes - row.startOffset) / seconds)}/s` : '';
}

/** `512 B`, `4.0 MiB`, `1.5 GiB`: binary units, one decimal. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${UNITS[unit]}`;
}

/** The name padded to `width` characters, so the bars line up, or its start cut with `…` (the file name is at the end). */
function fit(name: string, width: number): string {
  const characters = Array.from(name);
  return characters.length > width ? `…${characters.slice(characters.length - width + 1).join('')}` : name + ' '.repeat(width - characters.length);
}

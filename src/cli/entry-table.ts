import type { ReportEntry } from '../csv/types.js';

const VALUE_WIDTH = 24;
const MESSAGE_WIDTH = 100;
/** `row 14, column "MPG": ` (or `, field 3`): the table's own columns say it already. */
const POSITION_PREFIX = /^row \d+(?:, column "[^"]*"|, field \d+)?: /;
const HEADINGS = ['row', 'line', 'column', 'code', 'value', 'message'] as const;

/**
 * Report entries as an aligned text table (row, line, column, code, value, message): the
 * message without the position the other columns give, long values and messages cut.
 */
export function formatEntryTable(entries: readonly ReportEntry[]): string {
  const rows = entries.map((entry) => [
    String(entry.row),
    String(entry.line),
    entry.column ?? (entry.field === null ? '' : `field ${entry.field}`),
    entry.code,
    entry.value === null ? '' : shorten(visible(entry.value), VALUE_WIDTH),
    shorten(visible(entry.message.replace(POSITION_PREFIX, '')), MESSAGE_WIDTH),
  ]);
  const table = [[...HEADINGS], ...rows];
  const widths = HEADINGS.map((_, column) => Math.max(...table.map((cells) => width(cells[column]))));
  return table
    .map((cells) => cells.map((cell, column) => (column === cells.length - 1 ? cell : pad(cell, widths[column]))).join('  '))
    .join('\n');
}

/** Control characters (a quoted newline, a tab) shown as escapes, so each entry stays on one line. */
function visible(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]/g, (character) => JSON.stringify(character).slice(1, -1));
}

function shorten(text: string, limit: number): string {
  const characters = Array.from(text);
  return characters.length <= limit ? text : `${characters.slice(0, limit - 1).join('')}…`;
}

function width(text: string): number {
  return Array.from(text).length;
}

function pad(text: string, to: number): string {
  return text + ' '.repeat(Math.max(0, to - width(text)));
}

import type { ReportEntry } from '../csv/types.js';

const VALUE_WIDTH = 24;
const MESSAGE_WIDTH = 100;
/** `row 14, column "MPG": ` (or `, field 3`): the table's own columns say it already. */
const POSITION_PREFIX = /^row \d+(?:, column "[^"]*"|, field \d+)?: /;
const HEADINGS = ['row', 'line', 'column', 'code', 'value', 'message'] as const;

/**
 * Report entries as an aligned text table (row, line, column, code, value, message): the
 * message without the position the other columns give, long values cut, long messages
 * wrapped between words onto lines indented under the message column (a message is the
 * reason, so none of it is cut).
 */
export function formatEntryTable(entries: readonly ReportEntry[]): string {
  const rows = entries.map((entry) => [
    String(entry.row),
    String(entry.line),
    entry.column ?? (entry.field === null ? '' : `field ${entry.field}`),
    entry.code,
    entry.value === null ? '' : shorten(visible(entry.value), VALUE_WIDTH),
    visible(entry.message.replace(POSITION_PREFIX, '')),
  ]);
  const table = [[...HEADINGS], ...rows];
  const last = HEADINGS.length - 1;
  const widths = HEADINGS.map((_, column) => Math.max(...table.map((cells) => width(cells[column]))));
  const indent = ' '.repeat(widths.slice(0, last).reduce((sum, columnWidth) => sum + columnWidth + 2, 0));
  return table
    .map((cells) => {
      const [first, ...more] = wrapWords(cells[last], MESSAGE_WIDTH);
      const line = [...cells.slice(0, last).map((cell, column) => pad(cell, widths[column])), first].join('  ');
      return [line, ...more.map((text) => indent + text)].join('\n');
    })
    .join('\n');
}

/**
 * `text` in lines of at most `limit` characters, broken only between words (at spaces). A
 * word longer than the limit gets a line of its own, whole.
 */
export function wrapWords(text: string, limit: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && width(line) + 1 + width(word) > limit) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  lines.push(line);
  return lines;
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

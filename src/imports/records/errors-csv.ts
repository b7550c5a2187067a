import type { ReportEntry } from '../../csv/types.js';
import { LINE_END, quoteField } from '../../csv/write/index.js';
import type { RejectedRow } from '../run/run-import.js';

/** A line of `<id>.rejected.ndjson`: the file's header first, then the rejected rows. */
export type RejectedFileLine = { header: string[] } | RejectedRow;

/** Spreadsheets run a cell that starts with one of these as a formula (CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

/** A cell a spreadsheet will show as text: formula starts get a leading `'`. */
export function neutraliseCell(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** The `row 14, column "MPG": ` (or `row 3 (line 4): `) start of a report message. */
const LOCATION = /^row \d+(?: \(line \d+\))?(?:, (?:column "[^"]*"|field \d+))?: /;

/** `column: reason; column: reason` for the `_errors` cell. */
export function describeErrors(errors: readonly ReportEntry[]): string {
  if (errors.length === 0) return 'not checked: the import stopped at maxErrors';
  return errors
    .map((entry) => {
      const where = entry.column ?? (entry.field === null ? 'row' : `field ${entry.field}`);
      return `${where}: ${entry.message.replace(LOCATION, '')}`;
    })
    .join('; ');
}

const BYTE_ORDER_MARK = '\uFEFF';

function csvLine(fields: readonly string[]): string {
  return `${fields.map((field) => quoteField(neutraliseCell(field), ',')).join(',')}${LINE_END}`;
}

/**
 * errors.csv, line by line: the file's own columns, then `_row`, `_line` and `_errors`;
 * one line per rejected row, cut or padded to the header's width (the fields of a row that
 * could not be parsed are empty). UTF-8 with a byte order mark, so spreadsheets read it as
 * UTF-8; every cell is neutralised against formulas.
 */
export async function* errorsCsvLines(lines: AsyncIterable<RejectedFileLine>): AsyncGenerator<string> {
  let width: number | undefined;
  for await (const line of lines) {
    if ('header' in line) {
      width = line.header.length;
      yield `${BYTE_ORDER_MARK}${csvLine([...line.header, '_row', '_line', '_errors'])}`;
      continue;
    }
    const fields = Array.from({ length: width ?? 0 }, (_, index) => line.fields[index] ?? '');
    yield csvLine([...fields, String(line.row), String(line.line), describeErrors(line.errors)]);
  }
  if (width === undefined) yield `${BYTE_ORDER_MARK}${csvLine(['_row', '_line', '_errors'])}`;
}

import type { RawRecord, ReportEntry, Schema } from '../../csv/types.js';

/** Report entries about the file as a whole, which the row validator does not make. */

/** No header at all: the file (after its skipped lines) is empty. */
export function emptyFileEntry(schema: Schema): ReportEntry {
  const row = schema.skipLines + 1;
  return {
    row,
    line: row,
    column: null,
    field: null,
    value: null,
    code: 'empty-file',
    message: `row ${row}: the file has no header (it is empty${schema.skipLines > 0 ? ` after the ${schema.skipLines} skipped lines` : ''})`,
  };
}

/** The schema declares a type row, but the file ends after the header. */
export function missingTypeRowEntry(header: Pick<RawRecord, 'row' | 'line'>): ReportEntry {
  const row = header.row + 1;
  return {
    row,
    line: header.line + 1,
    column: null,
    field: null,
    value: null,
    code: 'type-row-error',
    message: `row ${row}: the file ends before the type row that the schema declares`,
  };
}

/** Reading stopped at `record` because `maxErrors` errors were reported already. */
export function maxErrorsEntry(record: Pick<RawRecord, 'row' | 'line'>, maxErrors: number): ReportEntry {
  return {
    row: record.row,
    line: record.line,
    column: null,
    field: null,
    value: null,
    code: 'max-errors',
    message: `row ${record.row}: stopped after ${maxErrors} ${maxErrors === 1 ? 'error' : 'errors'}; the rest of the file was not read`,
    details: { maxErrors },
  };
}

import { parse } from 'csv-parse/sync';
import type { RawRecord } from '../../src/csv/types.js';

/**
 * A stand-in for the streaming reader (src/csv/read/, built elsewhere): csv-parse's sync
 * API turned into RawRecords, rows counted from 1 with blank rows included, `line` the
 * physical line where each record starts.
 */
export function readRecords(text: string, delimiter: string): RawRecord[] {
  const parsed = parse(text, { delimiter, relax_column_count: true, skip_empty_lines: false, info: true, bom: true }) as unknown as {
    record: string[];
    info: { lines: number };
  }[];
  let previousEnd = 0;
  return parsed.map(({ record, info }, index) => {
    const line = previousEnd + 1;
    previousEnd = info.lines;
    return { row: index + 1, line, fields: record, blank: record.every((field) => field.trim() === ''), problems: [] };
  });
}

/** A record made by hand, for header and row tests. */
export function record(row: number, fields: string[]): RawRecord {
  return { row, line: row, fields, blank: fields.every((field) => field.trim() === ''), problems: [] };
}

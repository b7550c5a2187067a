import { truncateValue } from '../cells/display-value.js';
import type { RawRecord, ReportCode, ReportEntry } from '../types.js';

export interface EntryParts {
  column: string | null;
  /** 0-based field index, or null; reports count fields from 1. */
  fieldIndex: number | null;
  /** The raw text (truncated here), or null. */
  raw: string | null;
  /** The reason, without the `row …, column …:` prefix. */
  reason: string;
  details?: Record<string, unknown>;
}

/** A report entry at a record, with the message `row 14, column "MPG": <reason>`. */
export function createEntry(record: Pick<RawRecord, 'row' | 'line'>, code: ReportCode, parts: EntryParts): ReportEntry {
  const field = parts.fieldIndex === null ? null : parts.fieldIndex + 1;
  const where = parts.column !== null ? `, column "${parts.column}"` : field !== null ? `, field ${field}` : '';
  const entry: ReportEntry = {
    row: record.row,
    line: record.line,
    column: parts.column,
    field,
    value: parts.raw === null ? null : truncateValue(parts.raw),
    code,
    message: `row ${record.row}${where}: ${parts.reason}`,
  };
  if (parts.details !== undefined) entry.details = parts.details;
  return entry;
}

import { truncateValue } from '../cells/index.js';
import type { Encoding, ReportEntry } from '../types.js';
import type { FaultTally } from './fault-queue.js';

/** Why csv-parse (or the reader's own byte limit) gave up on a record. */
export interface ParseFailure {
  /** csv-parse's error code; undefined when the reader's byte limit stopped the record. */
  csvParseCode: string | undefined;
  /** Whether a quoted field was still open when it gave up. */
  insideQuotes: boolean;
}

const QUOTE_REASONS: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'a quoted field is never closed',
  CSV_INVALID_CLOSING_QUOTE: 'text follows a closing quote (or an earlier quote is never closed)',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'text follows a closing quote',
  INVALID_OPENING_QUOTE: 'a quote appears inside an unquoted field',
};

const where = (row: number, line: number): string => `row ${row} (line ${line})`;

/**
 * The problem of a record that could not be parsed: a record-size-error when it outgrew
 * `maxRecordSize`, a quote-error otherwise. `value` is its first line, truncated.
 */
export function parseProblem(row: number, line: number, firstLine: string, failure: ParseFailure, maxRecordSize: number): ReportEntry {
  const resumes = `reading resumes at line ${line + 1}`;
  const base = { row, line, column: null, field: null, value: truncateValue(firstLine) };
  if (failure.csvParseCode === undefined || failure.csvParseCode === 'CSV_MAX_RECORD_SIZE') {
    const open = failure.insideQuotes ? ', inside a quoted field that is still open (is its closing quote missing?)' : '';
    return {
      ...base,
      code: 'record-size-error',
      message: `${where(row, line)}: the record is longer than ${maxRecordSize} characters${open}; ${resumes}`,
      details: { ...(failure.csvParseCode === undefined ? {} : { csvParseCode: failure.csvParseCode }), maxRecordSize, insideQuotes: failure.insideQuotes },
    };
  }
  const reason = QUOTE_REASONS[failure.csvParseCode] ?? `the record cannot be parsed (${failure.csvParseCode})`;
  return { ...base, code: 'quote-error', message: `${where(row, line)}: ${reason}; ${resumes}`, details: { csvParseCode: failure.csvParseCode } };
}

/** One encoding-error for a record's invalid bytes: the first one's offset, and how many there are. */
export function encodingProblem(row: number, line: number, faults: FaultTally, encoding: Encoding): ReportEntry {
  const { byteOffset, count } = faults;
  const more = count > 1 ? ` (and ${count - 1} more in this record)` : '';
  return {
    row,
    line,
    column: null,
    field: null,
    value: null,
    code: 'encoding-error',
    message: `${where(row, line)}: bytes that are not valid ${encoding} at byte offset ${byteOffset}${more}`,
    details: { byteOffset, count, encoding },
  };
}

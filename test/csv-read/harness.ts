import { type ReadOptions, readRecords } from '../../src/csv/read/index.js';
import type { RawRecord } from '../../src/csv/types.js';

/** The bytes cut into chunks of `size` (the last one shorter), as a source. */
export async function* chunksOf(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

/** The bytes cut at the given offsets, as a source. */
export async function* cutAt(bytes: Uint8Array, ...offsets: number[]): AsyncGenerator<Uint8Array> {
  let from = 0;
  for (const offset of [...offsets, bytes.length]) {
    yield bytes.subarray(from, offset);
    from = offset;
  }
}

const DEFAULTS: ReadOptions = { delimiter: ',', encoding: 'utf-8', maxRecordSize: 1024 };

export async function collect(source: AsyncIterable<Uint8Array>, options: Partial<ReadOptions> = {}): Promise<RawRecord[]> {
  const records: RawRecord[] = [];
  for await (const record of readRecords(source, { ...DEFAULTS, ...options })) records.push(record);
  return records;
}

/** What the tests compare: a record, with each problem cut down to its code, position and key details. */
export interface RecordSummary {
  row: number;
  line: number;
  fields: string[];
  blank: boolean;
  problems: ProblemSummary[];
}

export interface ProblemSummary {
  code: string;
  value?: string | null;
  csvParseCode?: unknown;
  byteOffset?: unknown;
  count?: unknown;
}

export function summarize(record: RawRecord): RecordSummary {
  return {
    row: record.row,
    line: record.line,
    fields: record.fields,
    blank: record.blank,
    problems: record.problems.map((problem) => {
      if (problem.row !== record.row || problem.line !== record.line)
        throw new Error(`problem at ${problem.row}/${problem.line} on record ${record.row}/${record.line}`);
      const summary: ProblemSummary = { code: problem.code };
      if (problem.code === 'encoding-error') return { ...summary, byteOffset: problem.details?.byteOffset, count: problem.details?.count };
      return { ...summary, value: problem.value, csvParseCode: problem.details?.csvParseCode };
    }),
  };
}

/** A good record. */
export function good(row: number, line: number, fields: string[], blank = false): RecordSummary {
  return { row, line, fields, blank, problems: [] };
}

/** A record csv-parse gave up on: no fields, one quote-error or record-size-error. */
export function bad(row: number, line: number, code: 'quote-error' | 'record-size-error', csvParseCode: string | undefined, value: string): RecordSummary {
  return { row, line, fields: [], blank: false, problems: [{ code, value, csvParseCode }] };
}

/** A record holding invalid bytes: its fields (with U+FFFD) and one encoding-error. */
export function invalid(row: number, line: number, fields: string[], byteOffset: number, count = 1): RecordSummary {
  return { row, line, fields, blank: false, problems: [{ code: 'encoding-error', byteOffset, count }] };
}

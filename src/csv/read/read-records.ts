import type { Delimiter, Encoding, RawRecord } from '../types.js';
import { createDecoder } from './decoder.js';
import { ResilientParser } from './resilient-parser.js';

export interface ReadOptions {
  /** A declared delimiter, or 'auto' to guess it among , ; tab | from the first 16 KiB after the skipped lines. */
  delimiter: Delimiter | 'auto';
  /** The file's encoding; its BOM is removed. Invalid bytes become encoding-error problems on their record. */
  encoding: Encoding;
  /**
   * The longest record, in characters as csv-parse counts them (field text, without delimiters
   * and quotes). A longer record is one record-size-error; reading resumes at its next line.
   * A record spanning more than 4 × maxRecordSize bytes is cut the same way.
   */
  maxRecordSize: number;
  /** Physical lines to drop before the header (their bytes are not parsed). Default 0. They still count in `row` and `line`. */
  skipLines?: number;
  /** Called after each chunk of the source with the bytes read so far. */
  onProgress?: (bytesRead: number) => void;
}

/**
 * Streams the records of a CSV file, header included, as raw string fields.
 *
 * - `row` counts every record from 1 (skipped lines, the header and blank rows included);
 *   `line` is the physical line where the record starts. LF, CR LF and a lone CR each end a line.
 * - A blank record (an empty line, or only delimiters and blanks) is yielded with `blank: true`.
 * - Ragged rows are yielded as they are: the field count is the row validator's business.
 * - A record csv-parse cannot parse (a quote error, a record too long) is yielded once with
 *   `fields: []` and one quote-error or record-size-error (`details.csvParseCode` holds
 *   csv-parse's code); reading resumes at the next physical line, so later records survive.
 * - Bytes that are invalid in the encoding give the record that holds them one encoding-error
 *   (`details.byteOffset`: the first invalid byte's offset in the file; `details.count`);
 *   the fields show U+FFFD there. Invalid bytes in skipped lines are not reported.
 * - An empty file (or only a BOM) yields nothing.
 *
 * Memory stays bounded by about one record plus one chunk, whatever the file size.
 */
export async function* readRecords(source: AsyncIterable<Uint8Array>, options: ReadOptions): AsyncGenerator<RawRecord> {
  const { delimiter, encoding, maxRecordSize, skipLines = 0, onProgress } = options;
  if (!Number.isSafeInteger(maxRecordSize) || maxRecordSize < 1) throw new RangeError(`maxRecordSize must be a positive integer, got ${maxRecordSize}`);
  if (!Number.isSafeInteger(skipLines) || skipLines < 0) throw new RangeError(`skipLines must be a non-negative integer, got ${skipLines}`);
  const decoder = createDecoder(encoding);
  const parser = new ResilientParser({ delimiter, encoding, maxRecordSize, skipLines });
  let bytesRead = 0;
  for await (const chunk of source) {
    bytesRead += chunk.byteLength;
    const decoded = decoder.decode(chunk);
    const records = parser.write(decoded.bytes, decoded.faults);
    onProgress?.(bytesRead);
    yield* records;
  }
  const rest = decoder.end();
  yield* parser.write(rest.bytes, rest.faults);
  yield* parser.end();
}

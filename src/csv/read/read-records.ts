import type { RawRecord } from '../types.js';
import { createRecordReader, type RecordReaderOptions } from './record-reader.js';

export interface ReadOptions extends RecordReaderOptions {
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
  const reader = createRecordReader(options);
  let bytesRead = 0;
  for await (const chunk of source) {
    bytesRead += chunk.byteLength;
    const records = reader.write(chunk);
    options.onProgress?.(bytesRead);
    yield* records;
  }
  yield* reader.end();
}

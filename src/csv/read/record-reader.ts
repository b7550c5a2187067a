import type { Delimiter, Encoding, RawRecord } from '../types.js';
import type { DecoderStep } from './decoded-chunk.js';
import { createDecoder } from './decoder.js';
import { ResilientParser } from './resilient-parser.js';

/** How a file is read: what readRecords and the read worker share. */
export interface RecordReaderOptions {
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
}

/**
 * The synchronous heart of reading: bytes in, the records they complete out. No I/O and
 * no promises, so the same code runs in the caller's thread (readRecords) and in the read
 * worker, chunk by chunk.
 */
export interface RecordReader {
  /** Takes the file's next bytes; returns the records they complete. */
  write(chunk: Uint8Array): RawRecord[];
  /** The file is over: returns the last records. */
  end(): RawRecord[];
}

/** Throws a RangeError for a limit that is not a whole number in range. */
export function checkReadOptions({ maxRecordSize, skipLines = 0 }: RecordReaderOptions): void {
  if (!Number.isSafeInteger(maxRecordSize) || maxRecordSize < 1) throw new RangeError(`maxRecordSize must be a positive integer, got ${maxRecordSize}`);
  if (!Number.isSafeInteger(skipLines) || skipLines < 0) throw new RangeError(`skipLines must be a non-negative integer, got ${skipLines}`);
}

export function createRecordReader(options: RecordReaderOptions): RecordReader {
  checkReadOptions(options);
  const { delimiter, encoding, maxRecordSize, skipLines = 0 } = options;
  const decoder: DecoderStep = createDecoder(encoding);
  const parser = new ResilientParser({ delimiter, encoding, maxRecordSize, skipLines });
  return {
    write(chunk) {
      const decoded = decoder.decode(chunk);
      return parser.write(decoded.bytes, decoded.faults);
    },
    end() {
      const rest = decoder.end();
      return [...parser.write(rest.bytes, rest.faults), ...parser.end()];
    },
  };
}

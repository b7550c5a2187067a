import { CsvError, type Options, Parser } from 'csv-parse';
import type { Delimiter } from '../types.js';

/**
 * csv-parse's synchronous core, as the `Parser` stream holds it in `api`: `parse` hands
 * records to `push` while `info` still describes them, and returns the error that stops
 * it. The stream front would make errors asynchronous and buffer records; `info: true`
 * would copy the info for every record (it costs two thirds of the throughput).
 */
interface ParserCore {
  parse(chunk: Buffer | undefined, end: boolean, push: (record: string[]) => void, close: () => void): unknown;
  readonly info: { readonly bytes: number; readonly lines: number };
  readonly state: { readonly quoting: boolean };
}

/** One csv-parse parser over one stretch of the decoded stream (a fresh one after each resync). */
export interface CsvParseCore {
  /** Parses the next bytes; records go to `onRecord`. Returns the error that stopped the parser. */
  feed(bytes: Buffer): CsvError | undefined;
  /** Parses what is left at the end of the input. */
  finish(): CsvError | undefined;
  /** Where the record just pushed ends, its line break included, counted from this parser's first byte. */
  readonly recordEnd: number;
  /** csv-parse's own line counter: it counts CR LF inside quotes twice, so only a step of exactly 1 is trusted. */
  readonly lines: number;
  /** Whether a quoted field is open (read after an error). */
  readonly insideQuotes: boolean;
}

export interface CsvParseCoreOptions {
  delimiter: Delimiter;
  maxRecordSize: number;
}

export function createCsvParseCore(options: CsvParseCoreOptions, onRecord: (fields: string[]) => void): CsvParseCore {
  const parserOptions: Options = {
    delimiter: options.delimiter,
    // LF, CR LF and a lone CR all end a line, even mixed in one file (csv-parse would keep only the first kind it meets).
    record_delimiter: ['\r\n', '\n', '\r'],
    max_record_size: options.maxRecordSize,
    relax_column_count: true,
    skip_empty_lines: false,
    bom: false,
  };
  const core = (new Parser(parserOptions) as unknown as { api?: ParserCore }).api;
  if (typeof core?.parse !== 'function') throw new Error('csv-parse has no Parser#api.parse: ferry reads CSV with csv-parse 7');
  const run = (chunk: Buffer | undefined, end: boolean): CsvError | undefined => {
    const error = core.parse(chunk, end, onRecord, ignoreClose);
    if (error === undefined) return undefined;
    if (error instanceof CsvError) return error;
    throw error;
  };
  return {
    feed: (bytes) => run(bytes, false),
    finish: () => run(undefined, true),
    get recordEnd() {
      return core.info.bytes;
    },
    get lines() {
      return core.info.lines;
    },
    get insideQuotes() {
      return core.state.quoting;
    },
  };
}

/** csv-parse calls `close` for `to`/`to_line`, which are not used, and for empty input. */
function ignoreClose(): void {}

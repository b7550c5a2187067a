import type { Delimiter, Encoding, RawRecord, ReportEntry } from '../types.js';
import { ByteWindow, NEED_MORE, NOT_FOUND } from './byte-window.js';
import { type CsvParseCore, createCsvParseCore } from './csv-parse-core.js';
import type { EncodingFault } from './decoded-chunk.js';
import { detectDelimiter } from './detect-delimiter.js';
import { FaultQueue, type FaultTally } from './fault-queue.js';
import { encodingProblem, type ParseFailure, parseProblem } from './parse-problems.js';

export interface ResilientParserOptions {
  delimiter: Delimiter | 'auto';
  /** The declared encoding, for messages. */
  encoding: Encoding;
  maxRecordSize: number;
  skipLines: number;
}

/** csv-parse gets at most this many bytes per call. */
const FEED_SIZE = 64 * 1024;
/** How much text after the skipped lines the delimiter is guessed from. */
const SAMPLE_SIZE = 16 * 1024;
/** How much of a bad record is kept for its report (enough for 200 characters). */
const PREVIEW_SIZE = 1024;
/** csv-parse looks this many bytes ahead before it decides on a byte. */
const LOOKAHEAD = 4;

interface Skipping {
  kind: 'skipping';
  lines: number;
  /** Set when the line dropped is a bad record's first line. */
  failure: ParseFailure | undefined;
  /** The start of that bad record, kept for its report once the line outgrows PREVIEW_SIZE. */
  preview: Buffer | undefined;
  /** The encoding faults in the part of that line already dropped. */
  faults: FaultTally | undefined;
  /** Where to look for the end of the line. */
  scanFrom: number;
}

interface Parsing {
  kind: 'parsing';
  core: CsvParseCore;
  /** Where this parser's first byte is in the decoded stream, and how far it has been fed. */
  origin: number;
  fed: number;
  /** csv-parse's line counter at the last record. */
  lines: number;
}

type Mode =
  /** Dropping whole lines: the skipped lines before the header, or a bad record's first line. */
  | Skipping
  /** Waiting for enough text to guess the delimiter. */
  | { kind: 'sampling' }
  | Parsing
  | { kind: 'done' };

/**
 * Turns the decoded UTF-8 stream into RawRecords. A clean stream goes through one
 * csv-parse parser, chunk by chunk, with no second pass. When csv-parse gives up on a
 * record (a quote error, a record too long), that record becomes one problem record, its
 * first physical line is dropped, and a fresh parser resumes at the next line from the
 * bytes kept since the last good record ended. `row` and `line` stay exact across that.
 *
 * Only the bytes since the last good record ended are kept (with csv-parse's own buffer, at
 * most one record plus one chunk). A record is also cut when it spans more than
 * 4 × maxRecordSize bytes: csv-parse counts field characters only, so a line of nothing but
 * delimiters would otherwise grow without bound.
 */
export class ResilientParser {
  readonly #options: ResilientParserOptions;
  readonly #maxRecordBytes: number;
  readonly #window = new ByteWindow();
  /** Encoding faults not yet given to a record. */
  readonly #faults = new FaultQueue();
  #delimiter: Delimiter | undefined;
  #mode: Mode;
  #ended = false;
  /** The next record's row number and start line, and where it starts in the decoded stream. */
  #row = 1;
  #line = 1;
  #recordStart = 0;
  #records: RawRecord[] = [];

  constructor(options: ResilientParserOptions) {
    this.#options = options;
    this.#maxRecordBytes = 4 * options.maxRecordSize;
    this.#delimiter = options.delimiter === 'auto' ? undefined : options.delimiter;
    this.#mode =
      options.skipLines > 0
        ? { kind: 'skipping', lines: options.skipLines, failure: undefined, preview: undefined, faults: undefined, scanFrom: 0 }
        : this.#afterSkipping();
  }

  /** Takes the next decoded bytes and the faults found in them; returns the records they complete. */
  write(bytes: Buffer, faults: readonly EncodingFault[]): RawRecord[] {
    this.#faults.push(faults);
    for (let at = 0; at < bytes.length; at += FEED_SIZE) this.#window.append(bytes.subarray(at, at + FEED_SIZE));
    return this.#run();
  }

  /** The input is over: returns the last records. */
  end(): RawRecord[] {
    this.#ended = true;
    return this.#run();
  }

  #run(): RawRecord[] {
    while (this.#step());
    const records = this.#records;
    this.#records = [];
    return records;
  }

  /** Moves on as far as the bytes allow; true when the mode changed and there may be more to do. */
  #step(): boolean {
    const mode = this.#mode;
    switch (mode.kind) {
      case 'skipping':
        return this.#skip(mode);
      case 'sampling':
        return this.#sample();
      case 'parsing':
        return this.#parse(mode);
      case 'done':
        return false;
    }
  }

  #afterSkipping(): Mode {
    return this.#delimiter === undefined ? { kind: 'sampling' } : this.#startParser(this.#delimiter);
  }

  #startParser(delimiter: Delimiter): Mode {
    const options = { delimiter, maxRecordSize: this.#options.maxRecordSize };
    const parsing: Parsing = {
      kind: 'parsing',
      core: createCsvParseCore(options, (fields) => this.#onRecord(parsing, fields)),
      origin: this.#recordStart,
      fed: this.#recordStart,
      lines: 0,
    };
    return parsing;
  }

  #skip(mode: Skipping): boolean {
    while (mode.lines > 0) {
      const lineEnd = this.#window.findLineEnd(mode.scanFrom, this.#ended);
      if (lineEnd === NEED_MORE) return false;
      if (lineEnd === NOT_FOUND) {
        mode.scanFrom = this.#window.end;
        if (!this.#ended) {
          this.#dropSkipped(mode);
          return false;
        }
      }
      const end = lineEnd === NOT_FOUND ? this.#window.end : lineEnd;
      if (mode.failure !== undefined) this.#emitFailure(mode, mode.failure, end);
      else this.#faults.take(end, end);
      mode.failure = undefined;
      mode.preview = undefined;
      mode.faults = undefined;
      mode.lines -= 1;
      mode.scanFrom = end;
      this.#row += 1;
      this.#line += 1;
      this.#recordStart = end;
      this.#window.dropBefore(end);
      if (lineEnd === NOT_FOUND) {
        this.#mode = { kind: 'done' };
        return false;
      }
    }
    this.#mode = this.#afterSkipping();
    return true;
  }

  /** Forgets the bytes of a line being dropped (and their faults), once the start of a bad record is kept aside. */
  #dropSkipped(mode: Skipping): void {
    if (mode.failure === undefined) this.#faults.take(mode.scanFrom, mode.scanFrom);
    else {
      if (mode.preview === undefined) {
        if (this.#window.end - this.#recordStart < PREVIEW_SIZE) return;
        mode.preview = Buffer.concat([...this.#window.views(this.#recordStart, this.#recordStart + PREVIEW_SIZE)]);
      }
      mode.faults = this.#faults.take(this.#recordStart, mode.scanFrom, mode.faults);
    }
    this.#window.dropBefore(mode.scanFrom);
  }

  #sample(): boolean {
    const available = this.#window.end - this.#recordStart;
    if (available < SAMPLE_SIZE && !this.#ended) return false;
    let sample = this.#window.text(this.#recordStart, this.#recordStart + Math.min(available, SAMPLE_SIZE));
    if (available > SAMPLE_SIZE || !this.#ended) {
      const lastBreak = Math.max(sample.lastIndexOf('\n'), sample.lastIndexOf('\r'));
      if (lastBreak > 0) sample = sample.slice(0, lastBreak);
    }
    this.#delimiter = detectDelimiter(sample);
    this.#mode = this.#startParser(this.#delimiter);
    return true;
  }

  #parse(mode: Parsing): boolean {
    while (mode.fed < this.#window.end) {
      // Feed no further than the byte limit of the record in progress, and check it there, so
      // that the same records are cut whatever the chunk sizes.
      const view = this.#window.viewAt(mode.fed, this.#byteLimit());
      const error = mode.core.feed(view);
      mode.fed += view.length;
      if (error !== undefined) return this.#fail({ csvParseCode: error.code, insideQuotes: mode.core.insideQuotes });
      if (mode.fed === this.#byteLimit()) return this.#fail({ csvParseCode: undefined, insideQuotes: mode.core.insideQuotes });
      this.#window.dropBefore(this.#recordStart);
    }
    if (!this.#ended) return false;
    const error = mode.core.finish();
    if (error !== undefined) return this.#fail({ csvParseCode: error.code, insideQuotes: mode.core.insideQuotes });
    this.#mode = { kind: 'done' };
    return false;
  }

  /** Once csv-parse has been fed this far, it has seen more than maxRecordBytes of the record in progress. */
  #byteLimit(): number {
    return this.#recordStart + this.#maxRecordBytes + LOOKAHEAD;
  }

  #onRecord(mode: Parsing, fields: string[]): void {
    const start = this.#recordStart;
    const end = mode.origin + mode.core.recordEnd;
    const line = this.#line;
    const lines = mode.core.lines;
    // csv-parse's counter steps by exactly 1 over a record without line breaks inside it.
    this.#line = lines - mode.lines === 1 ? line + 1 : line + this.#window.countLineBreaks(start, end);
    mode.lines = lines;
    const faults = this.#faults.take(start, end);
    const problems: ReportEntry[] = faults === undefined ? [] : [encodingProblem(this.#row, line, faults, this.#options.encoding)];
    this.#records.push({ row: this.#row, line, fields, blank: isBlank(fields), problems });
    this.#row += 1;
    this.#recordStart = end;
  }

  /** csv-parse gave up on the record in progress: drop its first line, then resume. */
  #fail(failure: ParseFailure): boolean {
    this.#mode = { kind: 'skipping', lines: 1, failure, preview: undefined, faults: undefined, scanFrom: this.#recordStart };
    return true;
  }

  /** The problem record for the bad record whose first line ends at `lineEnd`. */
  #emitFailure(mode: Skipping, failure: ParseFailure, lineEnd: number): void {
    const start = this.#recordStart;
    const text = mode.preview === undefined ? this.#window.text(start, Math.min(lineEnd, start + PREVIEW_SIZE)) : mode.preview.toString('utf8');
    const problems = [parseProblem(this.#row, this.#line, text.replace(/[\r\n]+$/, ''), failure, this.#options.maxRecordSize)];
    const faults = this.#faults.take(start, lineEnd, mode.faults);
    if (faults !== undefined) problems.push(encodingProblem(this.#row, this.#line, faults, this.#options.encoding));
    this.#records.push({ row: this.#row, line: this.#line, fields: [], blank: false, problems });
  }
}

/** No content: an empty line, or only delimiters and blanks. */
function isBlank(fields: readonly string[]): boolean {
  for (const field of fields) if (field.trim() !== '') return false;
  return true;
}

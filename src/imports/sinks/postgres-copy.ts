import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { CellValue } from '../../csv/types.js';
import { columnList } from './sql-fragments.js';
import { type StoredValue, toStoredValue, type ValueTarget } from './stored-values.js';

/** Rows are sent in pieces of about this many characters. */
const CHUNK_CHARACTERS = 64 * 1024;

/**
 * One `COPY … FROM STDIN` (text format) that stays open across batches: PostgreSQL
 * parses rows as they arrive, and a transaction pays for one COPY, not one per batch.
 */
export interface CopyStream {
  /**
   * Encodes the rows and sends them, waiting whenever the socket is full. Resolves once
   * every row is handed over (PostgreSQL may still refuse one: `finish` then rejects);
   * rejects with a bad value, or when the COPY failed before or during the write.
   */
  write(rows: readonly Record<string, CellValue>[]): Promise<void>;
  /** Ends the COPY; resolves when PostgreSQL has stored every row, rejects when it failed. */
  finish(): Promise<void>;
  /**
   * Abandons the COPY: PostgreSQL gets a CopyFail, unless the COPY already failed. The
   * connection stays usable; a query sent after this runs once the COPY has ended.
   */
  abort(): void;
  /** Characters of COPY text sent so far. */
  readonly sentCharacters: number;
}

/**
 * Starts a COPY into `table` on the client. The COPY is the client's active query until
 * `finish` or `abort`: queries sent meanwhile wait for it. A failure of the COPY (a value
 * PostgreSQL refuses, a broken connection) is kept and rejects the next `write` or
 * `finish`, or the one waiting.
 */
export function openCopyStream(client: pg.PoolClient, table: string, targets: readonly ValueTarget[]): CopyStream {
  const sql = `COPY ${table} (${columnList(targets.map((target) => target.name))}) FROM STDIN`;
  const stream = client.query(copyFrom(sql));
  let failure: { error: unknown } | undefined;
  let sentCharacters = 0;
  stream.on('error', (error) => {
    failure ??= { error };
    // Synchronously, while the stream still holds the connection: drops the pieces it has
    // not sent yet, so nothing is sent once PostgreSQL has answered the error.
    if (!stream.destroyed) stream.destroy();
  });

  function throwIfFailed(): void {
    if (failure !== undefined) throw failure.error;
  }

  return {
    async write(rows) {
      throwIfFailed();
      for (const chunk of copyText(targets, rows)) {
        // once() rejects when the stream emits 'error' while it waits
        sentCharacters += chunk.length;
        if (!stream.write(chunk)) await once(stream, 'drain');
        throwIfFailed();
      }
    },
    async finish() {
      throwIfFailed();
      stream.end();
      await finished(stream);
      throwIfFailed();
    },
    abort() {
      failure ??= { error: new Error('COPY aborted') };
      if (!stream.destroyed) stream.destroy();
    },
    get sentCharacters() {
      return sentCharacters;
    },
  };
}

/** The rows as COPY text, in pieces of about CHUNK_CHARACTERS; a bad value throws before its piece is sent. */
function* copyText(targets: readonly ValueTarget[], rows: readonly Record<string, CellValue>[]): Generator<string> {
  let chunk = '';
  for (const row of rows) {
    for (let index = 0; index < targets.length; index += 1) {
      const target = targets[index] as ValueTarget;
      chunk += (index === 0 ? '' : '\t') + copyValue(target, row[target.name]);
    }
    chunk += '\n';
    if (chunk.length >= CHUNK_CHARACTERS) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk.length > 0) yield chunk;
}

const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
const SPECIAL = /[\\\n\r\t]/g;
/** What a text value must not hold to go into COPY as it is: an escape, or NUL (refused by toStoredValue). */
const NEEDS_CARE = /[\\\n\r\t\0]/;

/**
 * One value as a COPY field: copyField(toStoredValue(…)), with the two commonest cases
 * (plain text, safe integers) taken without the detours (a regex replace, a BigInt).
 */
function copyValue(target: ValueTarget, value: CellValue | undefined): string {
  if (typeof value === 'string' && (target.type === 'string' || target.type === 'enum') && !NEEDS_CARE.test(value)) return value;
  if (typeof value === 'number' && target.type === 'integer' && Number.isSafeInteger(value)) return String(value);
  return copyField(toStoredValue(target, value));
}

/**
 * One field of COPY's text format: `\N` is NULL (so an empty string stays empty);
 * backslash, newline, carriage return and tab are backslash escapes; booleans t/f;
 * bigints and numbers as JavaScript prints them (digits; shortest exact doubles).
 */
export function copyField(value: StoredValue): string {
  if (value === null) return '\\N';
  if (typeof value === 'string') return NEEDS_CARE.test(value) ? value.replace(SPECIAL, (character) => ESCAPES[character] ?? character) : value;
  if (typeof value === 'boolean') return value ? 't' : 'f';
  return String(value);
}

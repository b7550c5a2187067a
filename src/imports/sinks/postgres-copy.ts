import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { CellValue } from '../../csv/types.js';
import { columnList } from './sql-fragments.js';
import { toStoredValue, type StoredValue, type ValueTarget } from './stored-values.js';

/** Rows are sent in pieces of about this many characters. */
const CHUNK_CHARACTERS = 64 * 1024;

/**
 * Streams rows into `table` with `COPY … FROM STDIN` (text format). Rows are encoded as
 * the stream asks for them, so memory stays flat and the socket's backpressure is obeyed;
 * a bad value or a broken connection aborts the COPY and rejects.
 */
export async function copyRows(
  client: pg.PoolClient,
  table: string,
  targets: readonly ValueTarget[],
  rows: readonly Record<string, CellValue>[],
): Promise<void> {
  const sql = `COPY ${table} (${columnList(targets.map((target) => target.name))}) FROM STDIN`;
  await pipeline(Readable.from(copyText(targets, rows)), client.query(copyFrom(sql)));
}

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

import type { CellType, CellValue } from '../../csv/types.js';
import { appError } from '../../errors/catalogue.js';
import type { SinkSchema } from './sql-fragments.js';

/** A value as both databases take it: integers as bigint, dates and datetimes as ISO 8601 text. */
export type StoredValue = string | number | bigint | boolean | null;

/** What a value is checked against: its column, and whether the column is part of the primary key. */
export interface ValueTarget {
  name: string;
  type: CellType;
  key: boolean;
}

/** The schema's columns in declared order, each knowing whether it is in the primary key. */
export function valueTargets(schema: SinkSchema): ValueTarget[] {
  const keys = new Set(schema.primaryKey);
  return schema.columns.map((column) => ({ name: column.name, type: column.type, key: keys.has(column.name) }));
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_DATETIME_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Checks a cell value against its column and turns it into what the databases store.
 * Integers must fit in 64 bits; strings may not hold NUL; key columns may not be null.
 * The error names the column, never the value.
 */
export function toStoredValue(target: ValueTarget, value: CellValue | undefined): StoredValue {
  if (value === null || value === undefined) {
    if (target.key) throw invalid(target, 'a primary key column cannot be empty');
    return null;
  }
  switch (target.type) {
    case 'string':
    case 'enum':
      if (typeof value !== 'string') throw invalid(target, 'expected text');
      if (value.includes('\0')) throw invalid(target, 'text cannot contain a NUL character');
      return value;
    case 'integer':
      return toInteger(target, value);
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(target, 'expected a finite number');
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') throw invalid(target, 'expected a boolean');
      return value;
    case 'date':
      if (typeof value === 'string' && ISO_DATE.test(value)) return value;
      return isoDateTime(target, value).slice(0, 10);
    case 'datetime':
      return isoDateTime(target, typeof value === 'string' && ISO_DATETIME_WITH_ZONE.test(value) ? new Date(value) : value);
  }
}

function toInteger(target: ValueTarget, value: CellValue): bigint {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value !== 'bigint') throw invalid(target, 'expected an integer');
  if (value < INT64_MIN || value > INT64_MAX) throw invalid(target, 'the integer does not fit in 64 bits');
  return value;
}

/** A Date (UTC) as ISO 8601, years 1 to 9999 only, so both databases read it back unchanged. */
function isoDateTime(target: ValueTarget, value: CellValue): string {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw invalid(target, 'expected a date');
  const year = value.getUTCFullYear();
  if (year < 1 || year > 9999) throw invalid(target, 'the year must be between 1 and 9999');
  return formatIsoDateTime(value, year);
}

/**
 * `date.toISOString()` for the years 1 to 9999, in about a third of its time (every date
 * and datetime cell of an import goes through here).
 */
export function formatIsoDateTime(date: Date, year = date.getUTCFullYear()): string {
  const milliseconds = date.getUTCMilliseconds();
  const fraction = milliseconds < 10 ? `00${milliseconds}` : milliseconds < 100 ? `0${milliseconds}` : String(milliseconds);
  const yearText = year < 1000 ? String(year).padStart(4, '0') : String(year);
  return `${yearText}-${twoDigits(date.getUTCMonth() + 1)}-${twoDigits(date.getUTCDate())}T${twoDigits(date.getUTCHours())}:${twoDigits(date.getUTCMinutes())}:${twoDigits(date.getUTCSeconds())}.${fraction}Z`;
}

function twoDigits(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

function invalid(target: ValueTarget, reason: string) {
  return appError('IMPORT_VALUE_INVALID', {
    message: `Column "${target.name}" (${target.type}): ${reason}.`,
    details: { column: target.name, type: target.type },
  });
}

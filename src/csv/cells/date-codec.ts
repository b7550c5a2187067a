import type { DateReading } from './calendar.js';
import { type TypeCodec, typeError } from './cell-result.js';
import { compileDateFormat, type DateFormat, type DateKind } from './date-format.js';
import { quoteValue } from './display-value.js';
import { readIsoDatetime, writeIsoDatetime } from './iso-datetime.js';

/** The format a date column uses when it declares none. */
export const ISO_DATE_FORMAT = 'YYYY-MM-DD';

/** How minimum/maximum of date and datetime columns are written: always ISO, whatever the cell format. */
export function readIsoBound(text: string, kind: DateKind): Date | undefined {
  const reading = kind === 'date' ? ISO_DATE.read(text) : readIsoDatetime(text);
  return 'date' in reading ? reading.date : undefined;
}

/** Compiles a format that defineSchema has already checked; a bad one here is a bug. */
function compileChecked(text: string, kind: DateKind): DateFormat {
  const format = compileDateFormat(text, kind);
  if ('problem' in format) throw new Error(`unchecked ${kind} format: ${format.problem}`);
  return format;
}

const ISO_DATE = compileChecked(ISO_DATE_FORMAT, 'date');

export interface DateCodecOptions {
  kind: DateKind;
  /** A valid format (checked by defineSchema); ISO 8601 when absent. */
  dateFormat?: string;
}

/**
 * date and datetime: the value is a Date (a date is midnight UTC). Cells are read
 * strictly by shape and calendar, so `12,5` or 2023-02-30 never pass.
 */
export function createDateCodec({ kind, dateFormat }: DateCodecOptions): TypeCodec {
  const format = dateFormat !== undefined ? compileChecked(dateFormat, kind) : kind === 'date' ? ISO_DATE : undefined;
  const read = format === undefined ? readIsoDatetime : format.read;
  const write = format === undefined ? writeIsoDatetime : format.write;
  const what = kind === 'date' ? 'date' : 'date and time';
  const shape = format === undefined ? 'ISO 8601 form (e.g. 2024-03-01T12:30:00Z)' : `the form ${format.text}`;
  return {
    decode(raw) {
      const reading: DateReading = read(raw);
      if ('date' in reading) return { value: reading.date };
      return reading.problem === 'impossible'
        ? typeError(`${quoteValue(raw)} is not a real ${what}`)
        : typeError(`${quoteValue(raw)} is not a ${what} in ${shape}`);
    },
    encode(value) {
      return value instanceof Date && !Number.isNaN(value.getTime()) ? write(value) : undefined;
    },
  };
}

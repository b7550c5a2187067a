import { type DateReading, toUtcDate } from './calendar.js';

/**
 * ISO 8601 date and time: `YYYY-MM-DDTHH:mm`, optional `:ss`, optional fraction (up to 9
 * digits, kept to the millisecond, the precision of a Date), optional `Z` or offset
 * (`+02:00`, `+0200`, `+02`). Without an offset the time is read as UTC.
 */
const ISO_DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:(Z)|([+-])(\d{2})(?::?(\d{2}))?)?$/;

export function readIsoDatetime(raw: string): DateReading {
  const match = ISO_DATETIME.exec(raw);
  if (match === null) return { problem: 'syntax' };
  const [, year, month, day, hour, minute, second, fraction, , sign, offsetHours, offsetMinutes] = match;
  const offsetH = Number(offsetHours ?? 0);
  const offsetM = Number(offsetMinutes ?? 0);
  if (offsetH > 23 || offsetM > 59) return { problem: 'impossible' };
  return toUtcDate({
    year: Number(year),
    month: Number(month),
    day: Number(day),
    hour: Number(hour),
    minute: Number(minute),
    second: Number(second ?? 0),
    millisecond: Number((fraction ?? '0').slice(0, 3).padEnd(3, '0')),
    offsetMinutes: (sign === '-' ? -1 : 1) * (offsetH * 60 + offsetM),
  });
}

/** The canonical form: `2024-03-01T11:30:00.000Z`. */
export function writeIsoDatetime(date: Date): string {
  return date.toISOString();
}

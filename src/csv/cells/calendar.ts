/** Date and time fields as read from a cell, before they are checked. */
export interface DateFields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  /** Minutes east of UTC; 0 when the cell names no offset (the time is read as UTC). */
  offsetMinutes: number;
}

/** A reading of a date cell: the instant, or why there is none. */
export type DateReading = { date: Date } | { problem: 'syntax' | 'impossible' };

const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return DAYS_IN_MONTH[month];
}

/**
 * The UTC instant for `fields`, or `impossible` for a day that does not exist
 * (2023-02-30), a time past 23:59:59, or an instant outside the years 0000–9999.
 */
export function toUtcDate(fields: DateFields): DateReading {
  const { year, month, day, hour, minute, second, millisecond, offsetMinutes } = fields;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return { problem: 'impossible' };
  if (hour > 23 || minute > 59 || second > 59) return { problem: 'impossible' };
  // Date.UTC maps years 0–99 to 1900–1999, so those take setUTCFullYear (the slower way).
  const date = year >= 100 ? new Date(Date.UTC(year, month - 1, day, hour, minute - offsetMinutes, second, millisecond)) : new Date(0);
  if (year < 100) {
    date.setUTCFullYear(year, month - 1, day);
    date.setUTCHours(hour, minute - offsetMinutes, second, millisecond);
  }
  const utcYear = date.getUTCFullYear();
  return utcYear < 0 || utcYear > 9999 ? { problem: 'impossible' } : { date };
}

export function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

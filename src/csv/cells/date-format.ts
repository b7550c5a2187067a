import { type DateFields, type DateReading, pad, toUtcDate } from './calendar.js';

export type DateKind = 'date' | 'datetime';

/** A compiled `dateFormat`: reads and writes exactly that shape, with UTC fields. */
export interface DateFormat {
  readonly text: string;
  read(raw: string): DateReading;
  write(date: Date): string;
}

type Token = 'YYYY' | 'MM' | 'DD' | 'HH' | 'mm' | 'ss';

const TOKENS: readonly Token[] = ['YYYY', 'MM', 'DD', 'HH', 'mm', 'ss'];
const DATE_TOKENS: readonly Token[] = ['YYYY', 'MM', 'DD'];
const TIME_TOKENS: readonly Token[] = ['HH', 'mm', 'ss'];
/** Letters and digits are not literals (a typo such as `YYY` would otherwise pass); `T` is, for `YYYY-MM-DDTHH:mm`. */
const LITERAL = /^[^A-Za-z0-9]$|^T$/;

type Part = { token: Token } | { literal: string };

function tokenise(format: string): Part[] | string {
  const parts: Part[] = [];
  let at = 0;
  while (at < format.length) {
    const token = TOKENS.find((candidate) => format.startsWith(candidate, at));
    if (token !== undefined) {
      parts.push({ token });
      at += token.length;
      continue;
    }
    const character = format[at];
    if (!LITERAL.test(character)) return `"${character}" at position ${at + 1} is neither a token (YYYY, MM, DD, HH, mm, ss) nor a separator`;
    parts.push({ literal: character });
    at += 1;
  }
  return parts;
}

function checkTokens(parts: readonly Part[], kind: DateKind): string | undefined {
  const used = parts.flatMap((part) => ('token' in part ? [part.token] : []));
  const repeated = used.find((token, index) => used.indexOf(token) !== index);
  if (repeated !== undefined) return `${repeated} appears more than once`;
  const needed: readonly Token[] = kind === 'date' ? DATE_TOKENS : [...DATE_TOKENS, 'HH', 'mm'];
  const absent = needed.filter((token) => !used.includes(token));
  if (absent.length > 0) return `${absent.join(', ')} missing (a ${kind} format needs ${needed.join(', ')})`;
  if (kind === 'date' && used.some((token) => TIME_TOKENS.includes(token))) return 'a date format has no time (HH, mm, ss); use type datetime';
  return undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * Compiles a format made of the tokens YYYY, MM, DD (and HH, mm, ss for datetime) and
 * literal separators. Every token is fixed width and zero-padded. Returns the reason
 * when the format is not valid.
 */
export function compileDateFormat(text: string, kind: DateKind): DateFormat | { problem: string } {
  const parts = tokenise(text);
  if (typeof parts === 'string') return { problem: parts };
  const tokenProblem = checkTokens(parts, kind);
  if (tokenProblem !== undefined) return { problem: tokenProblem };
  const slots = parts.flatMap((part) => ('token' in part ? [FIELD_OF[part.token]] : []));
  const syntax = new RegExp(`^${parts.map((part) => ('token' in part ? `(\\d{${part.token.length}})` : escapeRegExp(part.literal))).join('')}$`);
  return {
    text,
    read(raw) {
      const match = syntax.exec(raw);
      if (match === null) return { problem: 'syntax' };
      const fields: DateFields = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, millisecond: 0, offsetMinutes: 0 };
      for (let index = 0; index < slots.length; index += 1) fields[slots[index]] = Number(match[index + 1]);
      return toUtcDate(fields);
    },
    write(date) {
      return parts.map((part) => ('token' in part ? pad(READ_FIELD[part.token](date), part.token.length) : part.literal)).join('');
    },
  };
}

const FIELD_OF: Record<Token, keyof DateFields> = { YYYY: 'year', MM: 'month', DD: 'day', HH: 'hour', mm: 'minute', ss: 'second' };

const READ_FIELD: Record<Token, (date: Date) => number> = {
  YYYY: (date) => date.getUTCFullYear(),
  MM: (date) => date.getUTCMonth() + 1,
  DD: (date) => date.getUTCDate(),
  HH: (date) => date.getUTCHours(),
  mm: (date) => date.getUTCMinutes(),
  ss: (date) => date.getUTCSeconds(),
};

import type { CellType, CellValue, ColumnDefinition } from '../types.js';
import type { CellProblem } from './cell-result.js';
import { readIsoBound } from './date-codec.js';
import { listWords, quoteValue } from './display-value.js';

export type ConstraintName = 'required' | 'minimum' | 'maximum' | 'minLength' | 'maxLength' | 'pattern' | 'enum';

type Check = (value: CellValue, raw: string) => CellProblem | undefined;

function broken(constraint: ConstraintName, message: string, limit?: unknown): CellProblem {
  return { code: 'constraint-error', message, details: limit === undefined ? { constraint } : { constraint, limit } };
}

export function requiredProblem(): CellProblem {
  return broken('required', 'a value is required');
}

/** Anchors a `pattern` on the whole cell; the same compilation checks it in defineSchema. */
export function compilePattern(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`, 'u');
}

function isDateType(type: CellType): type is 'date' | 'datetime' {
  return type === 'date' || type === 'datetime';
}

function boundCheck(column: ColumnDefinition, which: 'minimum' | 'maximum'): Check | undefined {
  const bound = column[which];
  if (bound === undefined) return undefined;
  const below = which === 'minimum';
  if (isDateType(column.type) && typeof bound === 'string') {
    const limit = readIsoBound(bound, column.type)?.getTime();
    if (limit === undefined) return undefined;
    const words = below ? 'is before the minimum' : 'is after the maximum';
    return (value, raw) => {
      if (!(value instanceof Date)) return undefined;
      const time = value.getTime();
      return (below ? time < limit : time > limit) ? broken(which, `${quoteValue(raw)} ${words} ${bound}`, bound) : undefined;
    };
  }
  if (typeof bound !== 'number') return undefined;
  const words = below ? 'is less than the minimum' : 'is more than the maximum';
  return (value, raw) => {
    if (typeof value !== 'number' && typeof value !== 'bigint') return undefined;
    return (below ? value < bound : value > bound) ? broken(which, `${quoteValue(raw)} ${words} ${bound}`, bound) : undefined;
  };
}

const SURROGATE_PAIR = /[\uD800-\uDBFF][\uDC00-\uDFFF]/g;

/** Length in characters (code points), not UTF-16 units: an emoji counts once. */
function countCharacters(text: string): number {
  return text.length - (text.match(SURROGATE_PAIR)?.length ?? 0);
}

function lengthCheck(column: ColumnDefinition, which: 'minLength' | 'maxLength'): Check | undefined {
  const limit = column[which];
  if (limit === undefined) return undefined;
  const short = which === 'minLength';
  return (value, raw) => {
    if (typeof value !== 'string') return undefined;
    // A string never has more characters than UTF-16 units: most cells pass a maxLength without counting.
    if (!short && value.length <= limit) return undefined;
    const length = countCharacters(value);
    if (short ? length >= limit : length <= limit) return undefined;
    return broken(which, `${quoteValue(raw)} is ${short ? 'shorter' : 'longer'} than ${limit} ${limit === 1 ? 'character' : 'characters'}`, limit);
  };
}

function patternCheck(pattern: string | undefined): Check | undefined {
  if (pattern === undefined) return undefined;
  const anchored = compilePattern(pattern);
  return (_value, raw) => (anchored.test(raw) ? undefined : broken('pattern', `${quoteValue(raw)} does not match the pattern ${pattern}`, pattern));
}

function enumCheck(allowed: readonly string[] | undefined): Check | undefined {
  if (allowed === undefined) return undefined;
  const members = new Set(allowed);
  return (value, raw) =>
    typeof value !== 'string' || members.has(value) ? undefined : broken('enum', `${quoteValue(raw)} is not one of ${listWords(allowed)}`, allowed);
}

/**
 * The constraints of a (checked) column as one function over a decoded value, tried in
 * the order minimum, maximum, minLength, maxLength, pattern, enum; the first broken one
 * is reported. `required` is checked before decoding (see readCell). Each check applies
 * to the values it is about: bounds to numbers, bigints and dates, lengths and enum to
 * strings; pattern always tests the raw cell.
 */
export function createConstraintCheck(column: ColumnDefinition): Check {
  const checks = [
    boundCheck(column, 'minimum'),
    boundCheck(column, 'maximum'),
    lengthCheck(column, 'minLength'),
    lengthCheck(column, 'maxLength'),
    patternCheck(column.pattern),
    enumCheck(column.enum),
  ].filter((check): check is Check => check !== undefined);
  return (value, raw) => {
    for (const check of checks) {
      const problem = check(value, raw);
      if (problem !== undefined) return problem;
    }
    return undefined;
  };
}

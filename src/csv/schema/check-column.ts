import { DEFAULT_FALSE_VALUES, DEFAULT_TRUE_VALUES } from '../cells/boolean-codec.js';
import { compilePattern } from '../cells/constraints.js';
import { readIsoBound } from '../cells/date-codec.js';
import { compileDateFormat } from '../cells/date-format.js';
import type { CellType } from '../types.js';
import { checkBoolean, checkInteger, checkKnownKeys, checkOneOf, checkString, checkStringList, isRecord, keyPath, type Problems } from './field-checks.js';
import { SQL_IDENTIFIER, SQL_IDENTIFIER_RULE } from './names.js';

const CELL_TYPES: readonly CellType[] = ['string', 'integer', 'number', 'boolean', 'date', 'datetime', 'enum'];

const DATA_KEYS = [
  'name',
  'aliases',
  'type',
  'required',
  'unique',
  'minimum',
  'maximum',
  'minLength',
  'maxLength',
  'pattern',
  'enum',
  'missingValues',
  'trueValues',
  'falseValues',
  'dateFormat',
  'typeLabel',
] as const;
const FUNCTION_KEYS = ['parse', 'format'] as const;

/** Which types each type-specific key applies to. */
const APPLIES_TO: Partial<Record<(typeof DATA_KEYS)[number], readonly CellType[]>> = {
  minimum: ['integer', 'number', 'date', 'datetime'],
  maximum: ['integer', 'number', 'date', 'datetime'],
  minLength: ['string', 'enum'],
  maxLength: ['string', 'enum'],
  enum: ['string', 'enum'],
  trueValues: ['boolean'],
  falseValues: ['boolean'],
  dateFormat: ['date', 'datetime'],
};

export interface ColumnCheckContext {
  /** The schema declares a type row, so every column needs a typeLabel. */
  typeRow: boolean;
  /** parse/format are allowed (TypeScript API), not in JSON files. */
  allowFunctions: boolean;
}

/** A column definition before it is checked. */
type RawColumn = Record<string, unknown>;

function checkBounds(column: RawColumn, type: CellType, path: string, problems: Problems): void {
  const read = (key: 'minimum' | 'maximum'): number | undefined => {
    const value = column[key];
    if (value === undefined) return undefined;
    if (type === 'date' || type === 'datetime') {
      const date = typeof value === 'string' ? readIsoBound(value, type) : undefined;
      if (date === undefined)
        problems.push({
          path: keyPath(path, key),
          message: type === 'date' ? 'must be an ISO date such as "2024-03-01"' : 'must be an ISO date and time such as "2024-03-01T12:00:00Z"',
        });
      return date?.getTime();
    }
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    problems.push({ path: keyPath(path, key), message: 'must be a number' });
    return undefined;
  };
  const minimum = read('minimum');
  const maximum = read('maximum');
  if (minimum !== undefined && maximum !== undefined && minimum > maximum)
    problems.push({ path: keyPath(path, 'maximum'), message: 'must not be less than minimum' });
}

function checkLengths(column: RawColumn, path: string, problems: Problems): void {
  const { minLength, maxLength } = column;
  const minimumGood = minLength === undefined || checkInteger(minLength, 0, keyPath(path, 'minLength'), problems);
  const maximumGood = maxLength === undefined || checkInteger(maxLength, 0, keyPath(path, 'maxLength'), problems);
  if (minimumGood && maximumGood && typeof minLength === 'number' && typeof maxLength === 'number' && minLength > maxLength) {
    problems.push({ path: keyPath(path, 'maxLength'), message: 'must not be less than minLength' });
  }
}

function checkBooleanWords(column: RawColumn, path: string, problems: Problems): void {
  const { trueValues, falseValues } = column;
  const trueGood = trueValues === undefined || checkStringList(trueValues, keyPath(path, 'trueValues'), problems, { nonEmpty: true });
  const falseGood = falseValues === undefined || checkStringList(falseValues, keyPath(path, 'falseValues'), problems, { nonEmpty: true });
  if (!trueGood || !falseGood) return;
  const trueWords = new Set(((trueValues as string[] | undefined) ?? DEFAULT_TRUE_VALUES).map((word) => word.toLowerCase()));
  ((falseValues as string[] | undefined) ?? DEFAULT_FALSE_VALUES).forEach((word, index) => {
    if (trueWords.has(word.toLowerCase()))
      problems.push({
        path: keyPath(path, falseValues === undefined ? 'trueValues' : `falseValues[${index}]`),
        message: `"${word}" is both a true and a false value`,
      });
  });
}

function checkTypeSpecific(column: RawColumn, type: CellType, path: string, problems: Problems): void {
  for (const [key, types] of Object.entries(APPLIES_TO)) {
    if (column[key] !== undefined && !types.includes(type)) problems.push({ path: keyPath(path, key), message: `only applies to ${types.join(', ')} columns` });
  }
  if (APPLIES_TO.minimum?.includes(type)) checkBounds(column, type, path, problems);
  if (type === 'string' || type === 'enum') checkLengths(column, path, problems);
  if (type === 'enum' && column.enum === undefined) problems.push({ path: keyPath(path, 'enum'), message: 'is required for an enum column' });
  if ((type === 'string' || type === 'enum') && column.enum !== undefined)
    checkStringList(column.enum, keyPath(path, 'enum'), problems, { nonEmpty: true, unique: true });
  if (type === 'boolean') checkBooleanWords(column, path, problems);
  if ((type === 'date' || type === 'datetime') && column.dateFormat !== undefined && checkString(column.dateFormat, keyPath(path, 'dateFormat'), problems)) {
    const format = compileDateFormat(column.dateFormat, type);
    if ('problem' in format) problems.push({ path: keyPath(path, 'dateFormat'), message: format.problem });
  }
}

/** Every problem of `columns[index]`; label clashes across columns are checked by the caller. */
export function checkColumn(column: unknown, index: number, context: ColumnCheckContext, problems: Problems): void {
  const path = keyPath('columns', index);
  if (!isRecord(column)) {
    problems.push({ path, message: 'must be an object' });
    return;
  }
  const known = context.allowFunctions ? [...DATA_KEYS, ...FUNCTION_KEYS] : DATA_KEYS;
  checkKnownKeys(column, known, path, problems);
  if (checkString(column.name, keyPath(path, 'name'), problems) && !SQL_IDENTIFIER.test(column.name)) {
    problems.push({
      path: keyPath(path, 'name'),
      message: `"${column.name}" is not usable as an SQL column name (${SQL_IDENTIFIER_RULE}); put the header text in aliases`,
    });
  }
  if (column.aliases !== undefined) checkStringList(column.aliases, keyPath(path, 'aliases'), problems);
  if (checkOneOf(column.type, CELL_TYPES, keyPath(path, 'type'), problems)) checkTypeSpecific(column, column.type, path, problems);
  for (const key of ['required', 'unique'] as const) {
    if (column[key] !== undefined) checkBoolean(column[key], keyPath(path, key), problems);
  }
  if (column.pattern !== undefined && checkString(column.pattern, keyPath(path, 'pattern'), problems)) {
    try {
      compilePattern(column.pattern);
    } catch (error) {
      problems.push({ path: keyPath(path, 'pattern'), message: `is not a valid regular expression (${(error as Error).message})` });
    }
  }
  if (column.missingValues !== undefined) checkStringList(column.missingValues, keyPath(path, 'missingValues'), problems);
  if (column.typeLabel !== undefined) checkString(column.typeLabel, keyPath(path, 'typeLabel'), problems);
  else if (context.typeRow) problems.push({ path: keyPath(path, 'typeLabel'), message: 'is required because the schema has a type row' });
  if (context.allowFunctions) {
    for (const key of FUNCTION_KEYS) {
      if (column[key] !== undefined && typeof column[key] !== 'function') problems.push({ path: keyPath(path, key), message: 'must be a function' });
    }
  }
}

import type { Delimiter, Encoding } from '../types.js';
import { checkColumn } from './check-column.js';
import { checkBoolean, checkInteger, checkKnownKeys, checkOneOf, checkString, checkStringList, isRecord, keyPath, type Problems } from './field-checks.js';
import { normaliseLabel } from './labels.js';
import { SCHEMA_NAME, SCHEMA_NAME_RULE, SQL_IDENTIFIER, SQL_IDENTIFIER_RULE } from './names.js';
import type { SchemaProblem } from './schema-problem.js';

const SCHEMA_KEYS = [
  'name',
  'title',
  'columns',
  'delimiter',
  'encoding',
  'decimalSeparator',
  'missingValues',
  'skipLines',
  'typeRow',
  'unknownColumns',
  'primaryKey',
  'table',
  'maxRecordSize',
] as const;
const DELIMITERS: readonly (Delimiter | 'auto')[] = [',', ';', '\t', '|', 'auto'];
const ENCODINGS: readonly Encoding[] = ['utf-8', 'latin1', 'utf-16le', 'utf-16be'];

export interface DefinitionCheckOptions {
  /** parse/format functions are allowed (TypeScript API); JSON files have none. */
  allowFunctions: boolean;
}

function checkName(definition: Record<string, unknown>, problems: Problems): void {
  const { name, table } = definition;
  if (checkString(name, 'name', problems) && !SCHEMA_NAME.test(name)) problems.push({ path: 'name', message: `must be ${SCHEMA_NAME_RULE}` });
  if (table !== undefined) {
    if (checkString(table, 'table', problems) && !SQL_IDENTIFIER.test(table))
      problems.push({ path: 'table', message: `"${table}" is not a safe SQL table name (${SQL_IDENTIFIER_RULE})` });
  } else if (typeof name === 'string' && SCHEMA_NAME.test(name) && !SQL_IDENTIFIER.test(name)) {
    problems.push({ path: 'table', message: `is needed: the schema name "${name}" is not a safe SQL table name (${SQL_IDENTIFIER_RULE})` });
  }
}

function checkOptions(definition: Record<string, unknown>, problems: Problems): void {
  const { title, delimiter, encoding, decimalSeparator, missingValues, skipLines, typeRow, unknownColumns, maxRecordSize } = definition;
  if (title !== undefined && typeof title !== 'string') problems.push({ path: 'title', message: 'must be a string' });
  if (delimiter !== undefined) checkOneOf(delimiter, DELIMITERS, 'delimiter', problems);
  if (encoding !== undefined) checkOneOf(encoding, ENCODINGS, 'encoding', problems);
  if (decimalSeparator !== undefined) checkOneOf(decimalSeparator, ['.', ','], 'decimalSeparator', problems);
  if (missingValues !== undefined) checkStringList(missingValues, 'missingValues', problems);
  if (skipLines !== undefined) checkInteger(skipLines, 0, 'skipLines', problems);
  if (typeRow !== undefined) checkBoolean(typeRow, 'typeRow', problems);
  if (unknownColumns !== undefined) checkOneOf(unknownColumns, ['error', 'ignore'], 'unknownColumns', problems);
  if (maxRecordSize !== undefined) checkInteger(maxRecordSize, 1, 'maxRecordSize', problems);
}

/** Names and aliases, normalised, must each lead to one column. */
function checkLabels(columns: readonly unknown[], problems: Problems): void {
  const owners = new Map<string, number>();
  columns.forEach((column, index) => {
    if (!isRecord(column)) return;
    const labels: [string, unknown][] = [['name', column.name]];
    if (Array.isArray(column.aliases)) {
      for (const [aliasIndex, alias] of column.aliases.entries()) labels.push([`aliases[${aliasIndex}]`, alias]);
    }
    for (const [key, label] of labels) {
      if (typeof label !== 'string') continue;
      const normalised = normaliseLabel(label);
      const path = keyPath(keyPath('columns', index), key);
      const owner = owners.get(normalised);
      if (normalised === '') {
        if (key !== 'name') problems.push({ path, message: 'must not be empty' });
      } else if (owner === undefined) {
        owners.set(normalised, index);
      } else if (owner !== index) {
        const ownerName = (columns[owner] as Record<string, unknown>).name;
        problems.push({ path, message: `"${label}" is already a label of column "${String(ownerName)}" (columns[${owner}])` });
      }
    }
  });
}

function checkPrimaryKey(primaryKey: unknown, columns: readonly unknown[], problems: Problems): void {
  checkStringList(primaryKey, 'primaryKey', problems, { unique: true });
  if (!Array.isArray(primaryKey)) return;
  const names = new Set(columns.flatMap((column) => (isRecord(column) && typeof column.name === 'string' ? [column.name] : [])));
  primaryKey.forEach((name, index) => {
    if (typeof name === 'string' && !names.has(name)) problems.push({ path: keyPath('primaryKey', index), message: `"${name}" is not a column name` });
  });
}

/**
 * Every problem of a schema definition, found in one pass: shapes and types of all keys,
 * unknown keys, per-column rules, label clashes and the primary key. An empty list means
 * the definition can be built.
 */
export function checkSchemaDefinition(definition: unknown, options: DefinitionCheckOptions): SchemaProblem[] {
  const problems: Problems = [];
  if (!isRecord(definition)) return [{ path: '', message: 'must be an object' }];
  checkKnownKeys(definition, SCHEMA_KEYS, '', problems);
  checkName(definition, problems);
  checkOptions(definition, problems);
  const { columns, primaryKey } = definition;
  if (!Array.isArray(columns) || columns.length === 0) {
    problems.push({ path: 'columns', message: 'must be a non-empty list of columns' });
  } else {
    const context = { typeRow: definition.typeRow === true, allowFunctions: options.allowFunctions };
    for (const [index, column] of columns.entries()) checkColumn(column, index, context, problems);
    checkLabels(columns, problems);
  }
  if (primaryKey !== undefined) checkPrimaryKey(primaryKey, Array.isArray(columns) ? columns : [], problems);
  return problems;
}

import { appError } from '../../errors/catalogue.js';
import type { SinkSchema, SqlTypes } from './sql-fragments.js';

/** A table as the database describes it: column name → SQL type, and the primary key columns. */
export interface TableShape {
  columns: ReadonlyMap<string, string>;
  primaryKey: readonly string[];
}

/** The table a schema asks for. */
export function expectedShape(schema: SinkSchema, types: SqlTypes): TableShape {
  return {
    columns: new Map(schema.columns.map((column) => [column.name, types[column.type]])),
    primaryKey: schema.primaryKey,
  };
}

/**
 * Throws IMPORT_TABLE_MISMATCH unless an existing table has exactly the schema's columns
 * (names and types, in any order) and primary key (as a set). Types compare case-insensitively.
 */
export function assertSameShape(table: string, expected: TableShape, actual: TableShape): void {
  const missingColumns = [...expected.columns.keys()].filter((name) => !actual.columns.has(name));
  const extraColumns = [...actual.columns.keys()].filter((name) => !expected.columns.has(name));
  const changedTypes = [...expected.columns]
    .filter(([name, type]) => actual.columns.has(name) && actual.columns.get(name)?.toLowerCase() !== type.toLowerCase())
    .map(([name, type]) => ({ column: name, expected: type, actual: actual.columns.get(name) }));
  const sameKey = sameSet(expected.primaryKey, actual.primaryKey);
  if (missingColumns.length === 0 && extraColumns.length === 0 && changedTypes.length === 0 && sameKey) return;
  throw appError('IMPORT_TABLE_MISMATCH', {
    message: `Table "${table}" exists with other columns, types or primary key than the schema declares.`,
    details: {
      table,
      missingColumns,
      extraColumns,
      changedTypes,
      primaryKey: sameKey ? undefined : { expected: expected.primaryKey, actual: actual.primaryKey },
    },
  });
}

function sameSet(left: readonly string[], right: readonly string[]): boolean {
  return left.length === right.length && left.every((name) => right.includes(name));
}

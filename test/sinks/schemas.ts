import type { CellType, CellValue, Column, Schema } from '../../src/csv/types.js';

/**
 * A Schema built by hand, filling what sinks read (name, table, columns' names and types,
 * primary key); the parsing fields get inert defaults, so these tests need no schema code.
 */
export function makeSchema(table: string, columns: Record<string, CellType>, primaryKey: string[] = []): Schema {
  return {
    name: table,
    title: undefined,
    table,
    columns: Object.entries(columns).map(([name, type]) => makeColumn(name, type)),
    primaryKey,
    delimiter: ',',
    encoding: 'utf-8',
    decimalSeparator: '.',
    missingValues: [''],
    skipLines: 0,
    typeRow: false,
    unknownColumns: 'error',
    maxRecordSize: 1024 * 1024,
  };
}

function makeColumn(name: string, type: CellType): Column {
  return {
    name,
    type,
    labels: [name.toLowerCase()],
    missingValues: [''],
    decode: () => {
      throw new Error('sinks never decode cells');
    },
    encode: () => {
      throw new Error('sinks never encode cells');
    },
  };
}

/** A value as both databases give it back, comparable with deepEqual: integers as digit strings, dates as ISO text. */
export type Canonical = string | number | boolean | null;

/** Turns a written value, or a value read back from either database, into its canonical form. */
export function canonical(type: CellType, value: unknown): Canonical {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'integer':
      return BigInt(value as bigint | number | string).toString();
    case 'boolean':
      return typeof value === 'boolean' ? value : BigInt(value as bigint | number) === 1n;
    case 'number':
      return value as number;
    case 'date':
      return value instanceof Date ? value.toISOString().slice(0, 10) : String(value);
    case 'datetime':
      return new Date(value as Date | string).toISOString();
    default:
      return String(value);
  }
}

export function canonicalRows(schema: Schema, rows: readonly Record<string, unknown>[]): Record<string, Canonical>[] {
  return rows.map((row) => Object.fromEntries(schema.columns.map((column) => [column.name, canonical(column.type, row[column.name])])));
}

export type Row = Record<string, CellValue>;

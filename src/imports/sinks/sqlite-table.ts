import type { Database } from 'better-sqlite3';
import { columnList, conflictClause, createTableSql, quoteIdentifier, type SinkSchema, type SqlTypes } from './sql-fragments.js';
import { assertSameShape, expectedShape, type TableShape } from './table-shape.js';

/** SQLite column types: dates and datetimes are ISO 8601 text, booleans 0/1. */
export const SQLITE_TYPES: SqlTypes = {
  string: 'TEXT',
  enum: 'TEXT',
  date: 'TEXT',
  datetime: 'TEXT',
  integer: 'INTEGER',
  number: 'REAL',
  boolean: 'INTEGER',
};

/** Creates the schema's table when missing, or throws IMPORT_TABLE_MISMATCH when it differs. */
export function prepareSqliteTable(db: Database, schema: SinkSchema): void {
  const actual = readShape(db, schema.table);
  const expected = expectedShape(schema, SQLITE_TYPES);
  if (actual.columns.size === 0) db.exec(createTableSql(schema, quoteIdentifier(schema.table), SQLITE_TYPES));
  else assertSameShape(schema.table, expected, actual);
}

/** One INSERT with a placeholder per column, as an upsert when the schema has a primary key. */
export function insertSql(schema: SinkSchema): string {
  const names = schema.columns.map((column) => column.name);
  const placeholders = names.map(() => '?').join(', ');
  return `INSERT INTO ${quoteIdentifier(schema.table)} (${columnList(names)}) VALUES (${placeholders})${conflictClause(schema)}`;
}

interface ColumnInfo {
  name: string;
  type: string;
  pk: number | bigint;
}

function readShape(db: Database, table: string): TableShape {
  const rows = db.prepare('SELECT name, type, pk FROM pragma_table_info(?)').all(table) as ColumnInfo[];
  const primaryKey = rows
    .filter((row) => Number(row.pk) > 0)
    .sort((left, right) => Number(left.pk) - Number(right.pk))
    .map((row) => row.name);
  return { columns: new Map(rows.map((row) => [row.name, row.type])), primaryKey };
}

import type { CellType, Schema } from '../../csv/types.js';

/** The part of a schema a sink reads: the table, its columns' names and types, the primary key. */
export type SinkSchema = Pick<Schema, 'table' | 'primaryKey'> & { columns: readonly Pick<Schema['columns'][number], 'name' | 'type'>[] };

/** The SQL column type for each cell type, per database. */
export type SqlTypes = Readonly<Record<CellType, string>>;

/** Quotes an identifier for SQLite and PostgreSQL alike: in double quotes, inner quotes doubled. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** `"a", "b", "c"`: the schema's columns in declared order. */
export function columnList(names: readonly string[]): string {
  return names.map(quoteIdentifier).join(', ');
}

/** `CREATE TABLE IF NOT EXISTS` with typed columns; primary key columns are NOT NULL. */
export function createTableSql(schema: SinkSchema, target: string, types: SqlTypes): string {
  const keys = new Set(schema.primaryKey);
  const columns = schema.columns.map((column) => `${quoteIdentifier(column.name)} ${types[column.type]}${keys.has(column.name) ? ' NOT NULL' : ''}`);
  if (schema.primaryKey.length > 0) columns.push(`PRIMARY KEY (${columnList(schema.primaryKey)})`);
  return `CREATE TABLE IF NOT EXISTS ${target} (${columns.join(', ')})`;
}

/**
 * ` ON CONFLICT (pk) DO UPDATE SET "c" = excluded."c", ...`: a row whose key exists replaces
 * the old values (DO NOTHING when every column is in the key); empty without a primary key.
 */
export function conflictClause(schema: SinkSchema): string {
  if (schema.primaryKey.length === 0) return '';
  const keys = new Set(schema.primaryKey);
  const updates = schema.columns
    .filter((column) => !keys.has(column.name))
    .map((column) => `${quoteIdentifier(column.name)} = excluded.${quoteIdentifier(column.name)}`);
  const action = updates.length === 0 ? 'DO NOTHING' : `DO UPDATE SET ${updates.join(', ')}`;
  return ` ON CONFLICT (${columnList(schema.primaryKey)}) ${action}`;
}

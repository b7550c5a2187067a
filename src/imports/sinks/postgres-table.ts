import type pg from 'pg';
import { appError } from '../../errors/catalogue.js';
import { columnList, conflictClause, createTableSql, quoteIdentifier, type SinkSchema, type SqlTypes } from './sql-fragments.js';
import { assertSameShape, expectedShape } from './table-shape.js';

/**
 * PostgreSQL column types. Integers are BIGINT: a value beyond int64 is IMPORT_VALUE_INVALID,
 * never a silent NUMERIC. Dates are DATE, datetimes TIMESTAMPTZ (given in UTC).
 */
export const POSTGRES_TYPES: SqlTypes = {
  string: 'text',
  enum: 'text',
  integer: 'bigint',
  number: 'double precision',
  boolean: 'boolean',
  date: 'date',
  datetime: 'timestamp with time zone',
};

/** Where one transaction writes: the target, and the staging table when upserting. */
export interface PostgresTable {
  /** `"schema"."table"`, qualified so that no temporary table can shadow it. */
  target: string;
  /** The temporary staging table COPY fills when the schema has a primary key. */
  staging: string | undefined;
  /** The INSERT … SELECT … ON CONFLICT that moves staged rows into the target at commit. */
  upsert: string | undefined;
}

const STAGING = 'pg_temp.ferry_import_staging';

/**
 * Inside the open transaction: takes a transaction-scoped advisory lock on the table name,
 * so imports into one table take turns (no race to create it, no upsert deadlocks); creates
 * the table when missing or checks its shape; creates the staging table when there is a key.
 */
export async function preparePostgresTable(client: pg.PoolClient, schema: SinkSchema): Promise<PostgresTable> {
  const locked = await client.query<{ namespace: string | null }>(
    "SELECT current_schema() AS namespace, pg_advisory_xact_lock(hashtext('ferry-import:' || $1))",
    [schema.table],
  );
  const namespace = locked.rows[0]?.namespace;
  if (namespace === null || namespace === undefined) {
    throw appError('IMPORT_DATABASE_FAILED', { message: 'The database has no current schema to create import tables in.', details: { operation: 'begin' } });
  }
  const target = `${quoteIdentifier(namespace)}.${quoteIdentifier(schema.table)}`;
  const found = await client.query<{ oid: number | null }>('SELECT to_regclass($1)::oid AS oid', [target]);
  const oid = found.rows[0]?.oid ?? null;
  if (oid === null) await client.query(createTableSql(schema, target, POSTGRES_TYPES));
  else assertSameShape(schema.table, expectedShape(schema, POSTGRES_TYPES), await readShape(client, oid));
  if (schema.primaryKey.length === 0) return { target, staging: undefined, upsert: undefined };

  const order = orderColumn(schema);
  await client.query(`CREATE TEMP TABLE ${STAGING} (LIKE ${target}, ${order} bigint GENERATED ALWAYS AS IDENTITY) ON COMMIT DROP`);
  return { target, staging: STAGING, upsert: upsertSql(schema, target, order) };
}

/**
 * Staged rows into the target, once, at commit. Within the file the last row of a key
 * wins (DISTINCT ON the key, latest staging order first); across imports a row whose key
 * exists is updated.
 */
function upsertSql(schema: SinkSchema, target: string, order: string): string {
  const columns = columnList(schema.columns.map((column) => column.name));
  const key = columnList(schema.primaryKey);
  return `INSERT INTO ${target} (${columns}) SELECT DISTINCT ON (${key}) ${columns} FROM ${STAGING} ORDER BY ${key}, ${order} DESC${conflictClause(schema)}`;
}

/** The staging table's row-order column, named apart from every schema column. */
function orderColumn(schema: SinkSchema): string {
  const names = new Set(schema.columns.map((column) => column.name));
  let name = 'ferry_row_order';
  while (names.has(name)) name = `_${name}`;
  return quoteIdentifier(name);
}

async function readShape(client: pg.PoolClient, oid: number) {
  const result = await client.query<{ name: string; type: string; key: boolean }>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, coalesce(a.attnum = ANY (i.indkey), false) AS key
       FROM pg_attribute a
       LEFT JOIN pg_index i ON i.indrelid = a.attrelid AND i.indisprimary
      WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum`,
    [oid],
  );
  return {
    columns: new Map(result.rows.map((row) => [row.name, row.type])),
    primaryKey: result.rows.filter((row) => row.key).map((row) => row.name),
  };
}

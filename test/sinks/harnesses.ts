import path from 'node:path';
import type { TestContext } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { CellType, Schema } from '../../src/csv/types.js';
import { createPostgresSink, createSqliteSink } from '../../src/imports/sinks/index.js';
import type { Sink } from '../../src/imports/types.js';
import { makeTempDir } from '../support/temp-dir.js';
import { type Canonical, canonicalRows } from './schemas.js';

/** The PostgreSQL the tests use: a real server on loopback. */
export const TEST_DATABASE_URL = process.env.FERRY_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** One sink under test, with a table name of its own and a way to look into the database. */
export interface SinkFixture {
  sink: Sink;
  /** A table name no other test uses (dropped after the test on PostgreSQL). */
  table: string;
  /** Every row of the schema's table, canonical, ordered by the given columns. */
  readRows(schema: Schema, orderBy: string[]): Promise<Record<string, Canonical>[]>;
  /** Column name → SQL type as the database reports it. */
  columnTypes(table: string): Promise<Map<string, string>>;
}

export interface SinkHarness {
  name: string;
  /** The SQL type each cell type must get. */
  expectedTypes: Record<CellType, string>;
  open(t: TestContext): Promise<SinkFixture>;
}

const quote = (name: string): string => `"${name.replaceAll('"', '""')}"`;
let tables = 0;

/** Unique per process and test: PostgreSQL is shared by every test file running at once. */
function uniqueTable(): string {
  tables += 1;
  return `sink_test_${process.pid}_${tables}`;
}

export const sqliteHarness: SinkHarness = {
  name: 'SQLite',
  expectedTypes: { string: 'TEXT', enum: 'TEXT', date: 'TEXT', datetime: 'TEXT', integer: 'INTEGER', number: 'REAL', boolean: 'INTEGER' },
  async open(t) {
    const file = path.join(await makeTempDir(), 'imports.sqlite');
    const sink = createSqliteSink({ file });
    const reader = new Database(file, { readonly: true });
    reader.defaultSafeIntegers(true);
    t.after(async () => {
      reader.close();
      await sink.close();
    });
    return {
      sink,
      table: uniqueTable(),
      async readRows(schema, orderBy) {
        const rows = reader.prepare(`SELECT * FROM ${quote(schema.table)} ORDER BY ${orderBy.map(quote).join(', ')}`).all() as Record<string, unknown>[];
        return canonicalRows(schema, rows);
      },
      async columnTypes(table) {
        const rows = reader.prepare('SELECT name, type FROM pragma_table_info(?)').all(table) as { name: string; type: string }[];
        return new Map(rows.map((row) => [row.name, row.type]));
      },
    };
  },
};

/** A reader whose dates stay text: pg would turn a DATE into a local-midnight Date. */
export async function connectReader(): Promise<pg.Client> {
  const DATE_OID = 1082;
  const client = new pg.Client({
    connectionString: TEST_DATABASE_URL,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === DATE_OID ? (value: string) => value : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  await client.connect();
  return client;
}

export const postgresHarness: SinkHarness = {
  name: 'PostgreSQL',
  expectedTypes: {
    string: 'text',
    enum: 'text',
    date: 'date',
    datetime: 'timestamp with time zone',
    integer: 'bigint',
    number: 'double precision',
    boolean: 'boolean',
  },
  async open(t) {
    const sink = createPostgresSink({ connectionString: TEST_DATABASE_URL });
    const reader = await connectReader();
    const table = uniqueTable();
    t.after(async () => {
      await sink.close();
      await reader.query(`DROP TABLE IF EXISTS ${quote(table)}`);
      await reader.end();
    });
    return {
      sink,
      table,
      async readRows(schema, orderBy) {
        const result = await reader.query(`SELECT * FROM ${quote(schema.table)} ORDER BY ${orderBy.map(quote).join(', ')}`);
        return canonicalRows(schema, result.rows as Record<string, unknown>[]);
      },
      async columnTypes(name) {
        const result = await reader.query<{ name: string; type: string }>(
          'SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped',
          [quote(name)],
        );
        return new Map(result.rows.map((row) => [row.name, row.type]));
      },
    };
  },
};

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database, { type Database as SqliteDatabase, type Statement } from 'better-sqlite3';
import type { Schema } from '../../csv/types.js';
import { appError } from '../../errors/catalogue.js';
import type { Sink, SinkTransaction } from '../types.js';
import { prepareSqliteLedger, readSqliteCommit, recordSqliteCommit } from './commit-ledger.js';
import { toDatabaseError } from './database-errors.js';
import { insertSql, prepareSqliteTable } from './sqlite-table.js';
import { type StoredValue, toStoredValue, valueTargets } from './stored-values.js';

export interface SqliteSinkOptions {
  /** The database file, `<dataDir>/imports.sqlite`; its directory is created if missing. */
  file: string;
  /** How long BEGIN IMMEDIATE waits for another process's write lock. */
  busyTimeoutMs?: number;
}

/**
 * The embedded sink: one SQLite file (WAL), one table per schema. better-sqlite3 is
 * synchronous and this sink has one connection, so transactions take turns: `begin`
 * waits until the previous transaction has committed or rolled back. A `write` runs its
 * whole batch at once (one prepared INSERT, an upsert with a key), so keep batches modest.
 */
export function createSqliteSink({ file, busyTimeoutMs = 5000 }: SqliteSinkOptions): Sink {
  const db = openDatabase(file, busyTimeoutMs);
  const nextTurn = createTurns();

  return {
    async begin(schema: Schema, importId: string): Promise<SinkTransaction> {
      const release = await nextTurn();
      try {
        if (!db.open) throw appError('IMPORT_DATABASE_FAILED', { message: 'The import database is closed.', details: { operation: 'begin' } });
        return openTransaction(db, schema, importId, release);
      } catch (error) {
        release();
        throw toDatabaseError('begin', error);
      }
    },
    async committedRows(importId) {
      try {
        if (!db.open) throw appError('IMPORT_DATABASE_FAILED', { message: 'The import database is closed.', details: { operation: 'ledger' } });
        return readSqliteCommit(db, importId);
      } catch (error) {
        throw toDatabaseError('ledger', error);
      }
    },
    async close(): Promise<void> {
      try {
        if (db.open) db.close();
      } catch (error) {
        throw toDatabaseError('close', error);
      }
    },
  };
}

/** Opens the file in WAL mode, with the commit ledger; integers read back as bigint, so none is ever rounded. */
function openDatabase(file: string, busyTimeoutMs: number): SqliteDatabase {
  let db: SqliteDatabase | undefined;
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    db = new Database(file);
    db.pragma(`busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
    db.pragma('journal_mode = WAL');
    db.defaultSafeIntegers(true);
    prepareSqliteLedger(db);
    return db;
  } catch (error) {
    db?.close();
    throw toDatabaseError('open', error);
  }
}

/**
 * Starts BEGIN IMMEDIATE, makes sure of the table, and prepares the one INSERT statement.
 * The commit adds the import to the commit ledger in the same transaction; when it is
 * there already, the transaction rolls back and the ledger's rows are returned.
 */
function openTransaction(db: SqliteDatabase, schema: Schema, importId: string, release: () => void): SinkTransaction {
  db.exec('BEGIN IMMEDIATE');
  let insert: Statement<StoredValue[]>;
  try {
    prepareSqliteTable(db, schema);
    insert = db.prepare<StoredValue[]>(insertSql(schema));
  } catch (error) {
    rollbackQuietly(db);
    throw error;
  }
  const targets = valueTargets(schema);
  let rows = 0;
  let open = true;

  function finish(): void {
    open = false;
    release();
  }

  function assertOpen(): void {
    if (!open) throw appError('IMPORT_TRANSACTION_CLOSED');
  }

  return {
    async write(batch) {
      assertOpen();
      try {
        for (const row of batch) insert.run(...targets.map((target) => toSqliteValue(toStoredValue(target, row[target.name]))));
        rows += batch.length;
      } catch (error) {
        rollbackQuietly(db);
        finish();
        throw toDatabaseError('write', error);
      }
    },
    async commit() {
      assertOpen();
      try {
        if (!recordSqliteCommit(db, importId, rows)) {
          db.exec('ROLLBACK');
          return { rows: readSqliteCommit(db, importId) ?? 0 };
        }
        db.exec('COMMIT');
      } catch (error) {
        rollbackQuietly(db);
        throw toDatabaseError('commit', error);
      } finally {
        finish();
      }
      return { rows };
    },
    async rollback() {
      if (!open) return;
      try {
        if (db.open && db.inTransaction) db.exec('ROLLBACK');
      } catch (error) {
        throw toDatabaseError('rollback', error);
      } finally {
        finish();
      }
    },
  };
}

/** better-sqlite3 binds no booleans: they are stored as 0/1. */
function toSqliteValue(value: StoredValue): StoredValue {
  return typeof value === 'boolean' ? (value ? 1 : 0) : value;
}

/** After a failure the transaction must end; SQLite may already have ended it. */
function rollbackQuietly(db: SqliteDatabase): void {
  try {
    if (db.open && db.inTransaction) db.exec('ROLLBACK');
  } catch {
    // the connection is unusable; closing it discards the transaction
  }
}

/** A queue of turns: each caller waits for the previous one's release. */
function createTurns(): () => Promise<() => void> {
  let last: Promise<void> = Promise.resolve();
  return async function nextTurn() {
    const previous = last;
    let release!: () => void;
    last = new Promise((resolve) => {
      release = resolve;
    });
    await previous;
    return release;
  };
}

import type pg from 'pg';
import type { Schema } from '../../csv/types.js';
import { appError } from '../../errors/catalogue.js';
import type { SinkTransaction } from '../types.js';
import { readPostgresCommit, recordPostgresCommit } from './commit-ledger.js';
import { type DatabaseOperation, toDatabaseError } from './database-errors.js';
import { type CopyStream, openCopyStream } from './postgres-copy.js';
import { type PostgresTable, preparePostgresTable } from './postgres-table.js';
import { valueTargets } from './stored-values.js';

/**
 * PostgreSQL confirms the rows at least this often: the write that takes a COPY past this
 * many characters ends it and waits for PostgreSQL's answer, so a refused value or a broken
 * connection rejects a write within about this much data, not only at commit.
 */
const CONFIRM_EVERY_CHARACTERS = 1024 * 1024;

/**
 * One import's transaction on a client taken from the pool. Rows stream through a COPY
 * that spans batches: opened by a write, ended by the write that passes
 * CONFIRM_EVERY_CHARACTERS or by `commit` (before the upsert and COMMIT). Any
 * failure aborts the COPY, rolls back and gives the client back at once (destroyed when
 * its connection broke); after that, `commit` rejects and `rollback` does nothing. The
 * commit adds the import to the commit ledger just before COMMIT; when it is there
 * already, the transaction rolls back and the ledger's rows are returned.
 */
export async function openPostgresTransaction(client: pg.PoolClient, schema: Schema, importId: string): Promise<SinkTransaction> {
  let connectionFailure: Error | undefined;
  const onConnectionError = (error: Error): void => {
    connectionFailure ??= error;
  };
  client.on('error', onConnectionError);
  let open = true;
  let rows = 0;
  /** The COPY of this transaction's rows, from the first write to commit. */
  let copy: CopyStream | undefined;

  function release(error?: Error): void {
    open = false;
    client.off('error', onConnectionError);
    client.release(error);
  }

  /** Ends the transaction after a failure; a dead connection needs no ROLLBACK, the server drops it. */
  async function abandon(operation: DatabaseOperation, error: unknown): Promise<never> {
    abortCopy();
    if (connectionFailure === undefined) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackError) {
        connectionFailure = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      }
    }
    release(connectionFailure);
    throw toDatabaseError(operation, error);
  }

  /** Sends a CopyFail if the COPY is still running: the ROLLBACK after it then waits for its end. */
  function abortCopy(): void {
    copy?.abort();
    copy = undefined;
  }

  function assertOpen(): void {
    if (!open) throw appError('IMPORT_TRANSACTION_CLOSED');
  }

  let table: PostgresTable;
  try {
    await client.query('BEGIN');
    table = await preparePostgresTable(client, schema);
  } catch (error) {
    return abandon('begin', error);
  }
  const { target, staging, upsert } = table;
  const targets = valueTargets(schema);

  return {
    async write(batch) {
      assertOpen();
      if (batch.length === 0) return;
      try {
        copy ??= openCopyStream(client, staging ?? target, targets);
        const copying = copy;
        await copying.write(batch);
        if (copying.sentCharacters >= CONFIRM_EVERY_CHARACTERS) {
          await copying.finish();
          copy = undefined;
        }
        rows += batch.length;
      } catch (error) {
        await abandon('write', error);
      }
    },
    async commit() {
      assertOpen();
      try {
        const copied = copy;
        if (copied !== undefined) {
          await copied.finish();
          copy = undefined;
        }
        if (upsert !== undefined && rows > 0) await client.query(upsert);
        if (!(await recordPostgresCommit(client, importId, rows))) {
          await client.query('ROLLBACK');
          const committed = (await readPostgresCommit(client, importId)) ?? 0;
          release();
          return { rows: committed };
        }
        await client.query('COMMIT');
      } catch (error) {
        return abandon('commit', error);
      }
      release();
      return { rows };
    },
    async rollback() {
      if (!open) return;
      abortCopy();
      if (connectionFailure !== undefined) return release(connectionFailure);
      try {
        await client.query('ROLLBACK');
        release();
      } catch (error) {
        // the connection is gone, and with it the transaction: the table is unchanged
        release(error instanceof Error ? error : new Error(String(error)));
      }
    },
  };
}

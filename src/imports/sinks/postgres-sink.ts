import pg from 'pg';
import type { Schema } from '../../csv/types.js';
import type { Sink, SinkTransaction } from '../types.js';
import { preparePostgresLedger, readPostgresCommit } from './commit-ledger.js';
import { toDatabaseError } from './database-errors.js';
import { openPostgresTransaction } from './postgres-transaction.js';

export interface PostgresSinkOptions {
  /** `postgres://…`; never logged, never put in an error. */
  connectionString: string;
  /** How long `begin` waits for a connection before IMPORT_DATABASE_FAILED. */
  connectionTimeoutMs?: number;
  /** Connections in the pool: at most this many imports write at once. */
  maxConnections?: number;
}

/**
 * The PostgreSQL sink: a pool of connections, one per open transaction. Rows are streamed
 * with COPY; with a primary key they go through a staging table and are upserted at commit.
 */
export function createPostgresSink({ connectionString, connectionTimeoutMs = 2000, maxConnections = 10 }: PostgresSinkOptions): Sink {
  const pool = new pg.Pool({ connectionString, connectionTimeoutMillis: connectionTimeoutMs, max: maxConnections });
  // An idle connection that dies (a server restart) is dropped by the pool; the next begin reconnects.
  pool.on('error', () => undefined);
  let closing: Promise<void> | undefined;
  /** The commit ledger, made sure of once per pool (again after a failure). */
  let ledger: Promise<void> | undefined;

  async function connect(): Promise<pg.PoolClient> {
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      throw toDatabaseError('connect', error);
    }
    try {
      ledger ??= preparePostgresLedger(client).catch((error: unknown) => {
        ledger = undefined;
        throw error;
      });
      await ledger;
    } catch (error) {
      client.release(error instanceof Error ? error : undefined);
      throw toDatabaseError('ledger', error);
    }
    return client;
  }

  return {
    async begin(schema: Schema, importId: string): Promise<SinkTransaction> {
      return openPostgresTransaction(await connect(), schema, importId);
    },
    async committedRows(importId) {
      const client = await connect();
      try {
        const rows = await readPostgresCommit(client, importId);
        client.release();
        return rows;
      } catch (error) {
        client.release(error instanceof Error ? error : undefined);
        throw toDatabaseError('ledger', error);
      }
    },
    /** Ends the pool once every transaction has committed or rolled back. */
    async close(): Promise<void> {
      closing ??= pool.end();
      try {
        await closing;
      } catch (error) {
        throw toDatabaseError('close', error);
      }
    },
  };
}

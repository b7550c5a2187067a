import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import type { Schema } from '../../src/csv/types.js';
import { createPostgresSink } from '../../src/imports/sinks/index.js';

/** The bench's database: loopback only, trust auth. */
const HOST = '127.0.0.1';
const PORT = 5432;
const DATABASE = 'test';
const QUERY_TIMEOUT_MS = 60_000;

export interface Postgres {
  user: string;
  url: string;
}

/** psql's environment: no stray PG* settings, UTF-8, a connect timeout. */
export function psqlEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('PG')));
  return { ...env, PGCLIENTENCODING: 'UTF8', PGCONNECT_TIMEOUT: '5' };
}

/** psql arguments for one command on the bench database, stopping at the first error. */
export function psqlArgs(user: string, command: string): string[] {
  return ['-h', HOST, '-p', String(PORT), '-U', user, '-d', DATABASE, '-X', '-v', 'ON_ERROR_STOP=1', '-At', '-c', command];
}

function psql(user: string, command: string): string {
  return execFileSync('psql', psqlArgs(user, command), {
    env: psqlEnv(),
    encoding: 'utf8',
    timeout: QUERY_TIMEOUT_MS,
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

/** The first role that can connect: $PGUSER, postgres, then the OS user. Throws with every attempt's error. */
export function connectPostgres(): Postgres {
  const candidates = [...new Set([process.env.PGUSER, 'postgres', userInfo().username].filter((name): name is string => name !== undefined && name !== ''))];
  const failures: string[] = [];
  for (const user of candidates) {
    try {
      psql(user, 'SELECT 1');
      return { user, url: `postgresql://${encodeURIComponent(user)}@${HOST}:${PORT}/${DATABASE}` };
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr?.trim();
      failures.push(`  ${user}: ${stderr !== undefined && stderr !== '' ? stderr : (error as Error).message}`);
    }
  }
  throw new Error(`cannot connect to PostgreSQL at ${HOST}:${PORT}, database "${DATABASE}" (trust auth):\n${failures.join('\n')}`);
}

/** Creates the schema's table exactly as ferry's sink does (an empty committed import). */
export async function createTableLikeFerry(postgres: Postgres, schema: Schema): Promise<void> {
  const sink = createPostgresSink({ connectionString: postgres.url });
  try {
    const transaction = await sink.begin(schema, randomUUID());
    await transaction.commit();
  } finally {
    await sink.close();
  }
}

/** `\copy` of a CSV file with a header line into `table`, as psql runs it. */
export function copyCommand(table: string, file: string): string {
  return `\\copy "${table}" FROM '${file.replaceAll("'", "''")}' CSV HEADER`;
}

export function countRows(postgres: Postgres, table: string): number {
  return Number(psql(postgres.user, `SELECT count(*) FROM "${table}"`));
}

/** Flushes dirty buffers before a timed load, so one load's writeback does not land in the next; needs superuser, else skipped. */
export function checkpoint(postgres: Postgres): void {
  try {
    psql(postgres.user, 'CHECKPOINT');
  } catch {
    // not a superuser: the loads simply share the checkpointer's work
  }
}

/** Synchronous, so it also runs on a signal or at exit. Errors are reported, not thrown. */
export function dropTables(postgres: Postgres, tables: readonly string[]): string | undefined {
  try {
    psql(postgres.user, tables.map((table) => `DROP TABLE IF EXISTS "${table}";`).join(' '));
    return undefined;
  } catch (error) {
    return `could not drop ${tables.join(', ')}: ${(error as { stderr?: string }).stderr?.trim() || (error as Error).message}`;
  }
}

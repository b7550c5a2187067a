import type { Database as SqliteDatabase } from 'better-sqlite3';
import type pg from 'pg';

/**
 * The commit ledger: one row per import whose rows were committed, written in the same
 * transaction as the rows. It is what makes an import's rows land exactly once, whichever
 * worker runs it and however often: a commit that finds its import here already rolls back,
 * and a re-run asks here before it writes anything.
 */
export const LEDGER_TABLE = 'ferry_import_commits';

const POSTGRES_LEDGER = `CREATE TABLE IF NOT EXISTS ${LEDGER_TABLE} (
  import_id text PRIMARY KEY,
  row_count bigint NOT NULL,
  committed_at timestamptz NOT NULL DEFAULT now()
)`;

/**
 * Creates the ledger in the current schema when missing, in a short transaction of its own
 * under an advisory lock, so that instances starting together do not race to create it.
 */
export async function preparePostgresLedger(client: pg.ClientBase): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query("SELECT pg_advisory_xact_lock(hashtext('ferry-import-ledger'))");
    await client.query(POSTGRES_LEDGER);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/**
 * Inside the import's transaction: true when the entry was added; false when the import is
 * there already (a concurrent run's uncommitted entry makes this wait for that run's end).
 */
export async function recordPostgresCommit(client: pg.ClientBase, importId: string, rows: number): Promise<boolean> {
  const inserted = await client.query(`INSERT INTO ${LEDGER_TABLE} (import_id, row_count) VALUES ($1, $2) ON CONFLICT (import_id) DO NOTHING`, [
    importId,
    rows,
  ]);
  return inserted.rowCount === 1;
}

export async function readPostgresCommit(client: pg.ClientBase, importId: string): Promise<number | undefined> {
  const found = await client.query<{ row_count: string }>(`SELECT row_count FROM ${LEDGER_TABLE} WHERE import_id = $1`, [importId]);
  const count = found.rows[0]?.row_count;
  return count === undefined ? undefined : Number(count);
}

export function prepareSqliteLedger(db: SqliteDatabase): void {
  db.exec(`CREATE TABLE IF NOT EXISTS ${LEDGER_TABLE} (import_id TEXT PRIMARY KEY, row_count INTEGER NOT NULL, committed_at TEXT NOT NULL)`);
}

/** Inside the import's transaction: true when the entry was added, false when the import is there already. */
export function recordSqliteCommit(db: SqliteDatabase, importId: string, rows: number): boolean {
  const inserted = db
    .prepare(`INSERT INTO ${LEDGER_TABLE} (import_id, row_count, committed_at) VALUES (?, ?, ?) ON CONFLICT (import_id) DO NOTHING`)
    .run(importId, rows, new Date().toISOString());
  return inserted.changes === 1;
}

export function readSqliteCommit(db: SqliteDatabase, importId: string): number | undefined {
  const found = db.prepare<[string], { row_count: bigint | number }>(`SELECT row_count FROM ${LEDGER_TABLE} WHERE import_id = ?`).get(importId);
  return found === undefined ? undefined : Number(found.row_count);
}

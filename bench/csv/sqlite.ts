import Database from 'better-sqlite3';

/** Rows in a table of a SQLite file, read through a connection of its own. */
export function countSqliteRows(file: string, table: string): number {
  const db = new Database(file, { readonly: true });
  try {
    const row = db.prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number };
    return Number(row.n);
  } finally {
    db.close();
  }
}

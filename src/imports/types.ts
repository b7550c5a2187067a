import type { CellValue, ReportCode, ReportEntry, Schema } from '../csv/types.js';

/**
 * all-or-nothing: nothing is written if any row is bad; skip-bad-rows: good rows are
 * written, bad ones reported; validate: a dry run that writes nothing.
 */
export type ImportMode = 'all-or-nothing' | 'skip-bad-rows' | 'validate';

export type ImportStatus = 'queued' | 'running' | 'succeeded' | 'failed';

/** The summary of a CSV run, with counts by column and by code. Errors themselves are kept apart (paged). */
export interface ImportSummary {
  /** Data rows read (the header, type row and skipped lines excluded; blank rows included). */
  rowsRead: number;
  /** Rows written to the database (0 in validate mode, and in all-or-nothing when any row is bad). */
  rowsImported: number;
  /** Rows with at least one error. */
  rowsFailed: number;
  errorCount: number;
  warningCount: number;
  /** True when maxErrors was reached and reading stopped. */
  stoppedEarly: boolean;
  /** True when a header problem rejected the file (then only header errors are reported). */
  rejected: boolean;
  errorsByColumn: Record<string, number>;
  errorsByCode: Partial<Record<ReportCode, number>>;
}

/** An import as GET /imports/:id shows it; persisted, so it survives a restart. */
export interface ImportState {
  id: string;
  uploadId: string;
  /** The upload's owner (whoever started the import): only they, and admins, see it. Absent for an owner-less upload. */
  owner?: string;
  schema: string;
  mode: ImportMode;
  maxErrors: number;
  status: ImportStatus;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  /** While running: bytes of the file read so far, and its size. */
  progress: { bytesRead: number; bytesTotal: number };
  summary: ImportSummary;
  /** Why the import failed as a whole (unknown schema, not a CSV, empty file, database down, interrupted twice). */
  failure?: { code: string; message: string };
}

/** Where good rows go: embedded SQLite by default, PostgreSQL when a database URL is set. */
export interface Sink {
  /**
   * Starts one transaction of import `importId` that writes into the schema's table
   * (created if missing, typed columns).
   */
  begin(schema: Schema, importId: string): Promise<SinkTransaction>;
  /**
   * The rows a committed transaction of this import wrote, from the commit ledger; undefined
   * when none committed. A re-run of an import that died after its COMMIT but before its
   * record was saved settles from this instead of writing the rows a second time.
   */
  committedRows(importId: string): Promise<number | undefined>;
  close(): Promise<void>;
}

export interface SinkTransaction {
  /** Rows keyed by column name, in batches. With a primary key, an existing row is updated, not duplicated. */
  write(rows: readonly Record<string, CellValue>[]): Promise<void>;
  /**
   * Makes every written row visible at once, with the import's entry in the commit ledger in
   * the same transaction; returns how many rows were written. When the ledger holds the
   * import already (another run of it committed first), rolls back instead and returns the
   * rows that run wrote: an import's rows are committed exactly once.
   */
  commit(): Promise<{ rows: number }>;
  /** Leaves the table exactly as it was before `begin`. */
  rollback(): Promise<void>;
}

export type { ReportEntry };

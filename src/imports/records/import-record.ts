import { isAppError } from '../../errors/app-error.js';
import { appError } from '../../errors/catalogue.js';
import { createEmptySummary } from '../run/summary-tally.js';
import type { ImportMode, ImportState, ImportSummary } from '../types.js';
import type { ImportableUpload } from '../upload-source.js';

/** An import as it is kept on disk and shown by GET: its state, and how many times it was started. */
export interface ImportRecord extends ImportState {
  /** Runs started; recover() re-runs an interrupted import once, then gives up. */
  attempts: number;
}

/**
 * An import is run at most this often: one interrupted on its second run too (a stop, or
 * its worker died) is given up with IMPORT_INTERRUPTED.
 */
export const MAX_ATTEMPTS = 2;

/** A new import of `upload`, queued; it is the upload's owner's, whoever started it. */
export function newRecord(id: string, upload: ImportableUpload, schema: string, mode: ImportMode, maxErrors: number): ImportRecord {
  return {
    id,
    uploadId: upload.id,
    ...(upload.owner === undefined ? {} : { owner: upload.owner }),
    schema,
    mode,
    maxErrors,
    status: 'queued',
    createdAt: new Date().toISOString(),
    progress: { bytesRead: 0, bytesTotal: upload.size ?? 0 },
    summary: createEmptySummary(),
    attempts: 0,
  };
}

/** A run begins: counted, with a fresh summary and no outcome yet. */
export function begin(record: ImportRecord): void {
  Object.assign(record, { status: 'running', startedAt: new Date().toISOString(), attempts: record.attempts + 1, summary: createEmptySummary() });
  delete record.finishedAt;
  delete record.failure;
}

export function fail(record: ImportRecord, code: string, message: string): void {
  record.status = 'failed';
  record.failure = { code, message };
  record.finishedAt = new Date().toISOString();
}

/**
 * A run that read the file ended: it succeeded (whatever its rows' errors, which the
 * summary counts) unless the file as a whole was refused: empty, or a header or type row
 * that does not match the schema.
 */
export function settle(record: ImportRecord, summary: ImportSummary): void {
  record.summary = summary;
  if (summary.errorsByCode['empty-file'] !== undefined) {
    fail(record, 'IMPORT_EMPTY_FILE', appError('IMPORT_EMPTY_FILE').message);
  } else if (summary.rejected) {
    fail(record, 'IMPORT_FILE_REJECTED', appError('IMPORT_FILE_REJECTED').message);
  } else {
    record.status = 'succeeded';
    record.finishedAt = new Date().toISOString();
  }
}

/**
 * An earlier run of the import committed its rows (`rows`, from the sink's commit ledger)
 * but died before it saved its outcome: the import succeeded. The summary is the one that
 * run saved last, with the rows the commit wrote.
 */
export function settleCommitted(record: ImportRecord, rows: number): void {
  record.summary.rowsImported = rows;
  record.status = 'succeeded';
  record.finishedAt = new Date().toISOString();
  delete record.failure;
}

/** Why an import failed, for its state: an AppError as it is, anything else as INTERNAL_ERROR. */
export function toFailure(error: unknown): { code: string; message: string; status: number } {
  const known = isAppError(error) ? error : appError('INTERNAL_ERROR');
  return { code: known.code, message: known.message, status: known.status };
}

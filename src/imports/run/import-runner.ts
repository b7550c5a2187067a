import type { Logger } from 'pino';
import type { SchemaRegistry } from '../../csv/schema/index.js';
import { isAppError } from '../../errors/app-error.js';
import { appError } from '../../errors/catalogue.js';
import { begin, fail, type ImportRecord, MAX_ATTEMPTS, settle, settleCommitted, toFailure } from '../records/import-record.js';
import type { ImportRecords } from '../records/import-records.js';
import type { ImportSummary, Sink } from '../types.js';
import type { UploadSource } from '../upload-source.js';
import { executeImport } from './execute-import.js';
import type { ImportJobHandler } from './import-queue.js';

export interface ImportRunnerOptions {
  records: ImportRecords;
  schemas: SchemaRegistry;
  uploads: UploadSource;
  sink: Sink;
  logger: Logger;
  /** Rows per sink write. */
  batchSize: number;
  /** A running import's state is written at most this often (it is always current in memory). */
  progressIntervalMs: number;
}

/**
 * The handler the import queue calls: one run of one import, its record saved as it goes
 * and held live here while it runs. It never throws: an import that fails is recorded as
 * failed; one aborted (the queue closing) is rolled back and saved as queued, so the next
 * start (or, in a cluster, another instance) runs it again.
 *
 * Before a re-run, the sink's commit ledger is asked: an import an earlier run committed (its
 * worker died before saving the outcome) is settled from it, never written again. A
 * record still `running` is a run that died (a cluster's queue hands the job to another
 * worker); the third run of such an import is not started (IMPORT_INTERRUPTED).
 */
export function createImportRunner({ records, schemas, uploads, sink, logger, batchSize, progressIntervalMs }: ImportRunnerOptions): ImportJobHandler {
  return async function runImportJob({ id }, signal) {
    const live = records.live(id);
    const record = live ?? (await records.read(id));
    if (record === undefined) {
      logger.error({ importId: id }, 'queued import has no record');
      return;
    }
    // A queue that delivers a job more than once must not run a finished import again.
    if (record.status !== 'queued' && record.status !== 'running') {
      logger.warn({ importId: id, status: record.status }, 'finished import not run again');
      return;
    }
    const log = logger.child({ importId: record.id, uploadId: record.uploadId });
    const saveOrLog = () => records.save(record).catch((error: unknown) => log.error({ err: error }, 'import state not saved'));
    if (live === undefined) records.hold(record);
    try {
      await run(record, signal, log, saveOrLog);
    } finally {
      records.release(record.id);
    }
  };

  /** True when the import needs no run: settled from the commit ledger, or interrupted once too often. */
  async function settledBefore(record: ImportRecord, log: Logger): Promise<boolean> {
    // Only a run that began before can have committed: a first run asks nothing.
    const committed = record.mode === 'validate' || record.attempts === 0 ? undefined : await sink.committedRows(record.id);
    if (committed !== undefined) {
      settleCommitted(record, committed);
      log.warn({ rowsImported: committed }, 'import committed by an earlier run: settled from the commit ledger, not written again');
      return true;
    }
    if (record.status === 'running' && record.attempts >= MAX_ATTEMPTS) {
      fail(record, 'IMPORT_INTERRUPTED', appError('IMPORT_INTERRUPTED').message);
      log.warn({ attempts: record.attempts }, 'import interrupted again: not tried again');
      return true;
    }
    return false;
  }

  async function run(record: ImportRecord, signal: AbortSignal, log: Logger, saveOrLog: () => Promise<void>): Promise<void> {
    let lastSaved = Date.now();
    try {
      if (await settledBefore(record, log)) return await saveOrLog();
      begin(record);
      await records.save(record);
      log.info({ mode: record.mode, attempt: record.attempts }, 'import started');
      const schema = schemas.get(record.schema);
      if (schema === undefined) throw appError('IMPORT_SCHEMA_UNKNOWN');
      const summary = await executeImport({
        record,
        schema,
        paths: records.paths(record.id),
        uploads,
        sink,
        batchSize,
        signal,
        onChange() {
          if (Date.now() - lastSaved < progressIntervalMs) return;
          lastSaved = Date.now();
          void saveOrLog();
        },
      });
      settle(record, summary);
      log.info({ status: record.status, ...countsOf(record.summary), failure: record.failure?.code }, 'import finished');
    } catch (error) {
      if (signal.aborted) {
        record.status = 'queued';
        await saveOrLog();
        log.warn({ attempt: record.attempts }, 'import interrupted by shutdown and rolled back; it runs again at the next start');
        return;
      }
      const failure = toFailure(error);
      fail(record, failure.code, failure.message);
      // A database driver's message (the AppError's cause) may quote a cell: only our own errors are logged whole.
      if (failure.status < 500) log.info({ code: failure.code }, 'import failed');
      else if (isAppError(error)) log.error({ code: failure.code, details: error.details }, 'import failed');
      else log.error({ err: error, code: failure.code }, 'import failed');
    }
    await saveOrLog();
  }
}

function countsOf(summary: ImportSummary) {
  const { rowsRead, rowsImported, rowsFailed, errorCount, warningCount } = summary;
  return { rowsRead, rowsImported, rowsFailed, errorCount, warningCount };
}

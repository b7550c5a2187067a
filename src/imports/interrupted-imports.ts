import type { Logger } from 'pino';
import { appError } from '../errors/catalogue.js';
import { fail, type ImportRecord } from './records/import-record.js';
import type { ImportRecords } from './records/import-records.js';

export interface ResumeInterruptedImportsOptions {
  records: ImportRecords;
  /** Hands a saved, queued record to the import queue. */
  submit: (record: ImportRecord) => Promise<void>;
  logger: Logger;
}

/** An import is run at most this often: one interrupted on its second run too is given up. */
const MAX_ATTEMPTS = 2;

/**
 * At start-up: imports a stop left queued or running are queued again, oldest first, each
 * once; one interrupted on its second run fails with IMPORT_INTERRUPTED. Imports held
 * live (queued in this process already) are left alone.
 */
export async function resumeInterruptedImports({ records, submit, logger }: ResumeInterruptedImportsOptions): Promise<void> {
  const found: ImportRecord[] = [];
  for (const id of await records.list()) {
    if (records.live(id) !== undefined) continue;
    let record: ImportRecord | undefined;
    try {
      record = await records.read(id);
    } catch (error) {
      logger.error({ err: error, importId: id }, 'import state unreadable');
      continue;
    }
    if (record === undefined || (record.status !== 'queued' && record.status !== 'running')) continue;
    if (record.attempts >= MAX_ATTEMPTS) {
      fail(record, 'IMPORT_INTERRUPTED', appError('IMPORT_INTERRUPTED').message);
      await records.save(record);
      logger.warn({ importId: id, uploadId: record.uploadId, attempts: record.attempts }, 'import interrupted again: not tried again');
      continue;
    }
    found.push(record);
  }
  found.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
  for (const record of found) {
    logger.info({ importId: record.id, uploadId: record.uploadId, attempts: record.attempts }, 'import resumed');
    record.status = 'queued';
    await records.save(record);
    await submit(record);
  }
}

import type { Logger } from 'pino';
import { appError } from '../errors/catalogue.js';
import { fail, type ImportRecord, MAX_ATTEMPTS } from './records/import-record.js';
import type { ImportRecords } from './records/import-records.js';

export interface ResumeInterruptedImportsOptions {
  records: ImportRecords;
  /** Hands a saved, queued record to the import queue. */
  submit: (record: ImportRecord) => Promise<void>;
  /**
   * A queue shared by a cluster: true while the import's job waits or runs on any instance.
   * Such an import is no one's leftover, and is left alone.
   */
  isQueued?: (id: string) => Promise<boolean>;
  logger: Logger;
}

/**
 * At start-up: imports a stop left queued or running are queued again, oldest first, each
 * once; one interrupted on its second run fails with IMPORT_INTERRUPTED. Imports held
 * live (queued in this process already), or whose job the shared queue holds (another
 * instance runs it now), are left alone.
 */
export async function resumeInterruptedImports({ records, submit, isQueued, logger }: ResumeInterruptedImportsOptions): Promise<void> {
  const found: ImportRecord[] = [];
  for (const id of await records.list()) {
    if (records.live(id) !== undefined) continue;
    // Asked before the record is read: a job that ended before this answer saved its outcome first.
    if (isQueued !== undefined && (await isQueued(id))) continue;
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

import type { Logger } from 'pino';
import { ANONYMOUS, type Principal } from '../auth/principal.js';
import type { SchemaRegistry } from '../csv/schema/index.js';
import { appError } from '../errors/catalogue.js';
import { canSee } from '../uploads/ownership.js';
import { createAutomaticImports } from './automatic-imports.js';
import { DEFAULT_MAX_ERRORS, DEFAULT_MODE, type ImportRequest } from './import-request.js';
import { resumeInterruptedImports } from './interrupted-imports.js';
import { importsDirectory } from './records/import-files.js';
import { createImportId } from './records/import-ids.js';
import { type ImportRecord, newRecord } from './records/import-record.js';
import { createImportRecords } from './records/import-records.js';
import { createImportReports, type ImportReports } from './records/import-reports.js';
import { findVisibleImport } from './records/visible-import.js';
import { createInProcessImportQueue, type ImportQueueFactory } from './run/import-queue.js';
import { createImportRunner } from './run/import-runner.js';
import type { Sink } from './types.js';
import type { ImportableUpload, UploadSource } from './upload-source.js';

export interface ImportServiceOptions {
  /** Imports live under `<dataDir>/imports/`. */
  dataDir: string;
  schemas: SchemaRegistry;
  sink: Sink;
  /** The finished uploads imports read. */
  store: UploadSource;
  logger: Logger;
  /** Rows per sink write. */
  batchSize?: number;
  /** A running import's state is written at most this often (it is always current in memory). */
  progressIntervalMs?: number;
  /**
   * The queue imports wait in: the in-process one by default; in cluster mode, the one
   * shared through Redis (createBullmqImportQueue), so that whichever instance is free runs
   * a job, once.
   */
  createQueue?: ImportQueueFactory;
}

export interface ImportService extends ImportReports {
  /**
   * Queues an import of a finished upload (IMPORT_SCHEMA_UNKNOWN, UPLOAD_NOT_FOUND,
   * UPLOAD_NOT_FINISHED otherwise; IMPORT_SERVICE_CLOSED once `close` was called). Another
   * owner's upload is UPLOAD_NOT_FOUND, as a missing one; the import is the upload's owner's.
   * `requester` defaults to the anonymous principal.
   */
  start(request: ImportRequest, requester?: Principal): Promise<ImportRecord>;
  /** The import's state (IMPORT_NOT_FOUND otherwise, another owner's too): live while it runs. */
  get(id: string, viewer?: Principal): Promise<ImportRecord>;
  /**
   * The finish hook: an upload with `schema` metadata (and optional `mode`) gets one
   * automatic import, `upload-<uploadId>`, however often this is called, across restarts.
   * Never throws: problems are recorded on the import or logged.
   */
  onUploadFinished(upload: ImportableUpload): Promise<void>;
  /**
   * At start-up: re-runs imports a stop interrupted, once; one interrupted again fails with
   * IMPORT_INTERRUPTED. Then, in the background (it resolves before that scan ends), gives
   * every finished upload with `schema` metadata but no `upload-<uploadId>` import the
   * automatic import a crash right after its finish lost, queued after the re-runs.
   */
  recover(): Promise<void>;
  /** Aborts the running import (rolled back, queued again for the next start) and waits for it; the queue stays on disk. */
  close(): Promise<void>;
}

/**
 * The import service: imports run one at a time, in the background, in the order they
 * were queued. Each import's state is a JSON file, so it survives a restart; errors and
 * rejected rows are streamed to NDJSON files beside it, never held in memory.
 */
export function createImportService({
  dataDir,
  schemas,
  sink,
  store,
  logger,
  batchSize = 1000,
  progressIntervalMs = 1000,
  createQueue = createInProcessImportQueue,
}: ImportServiceOptions): ImportService {
  const records = createImportRecords(importsDirectory(dataDir));
  const queue = createQueue({
    handle: createImportRunner({ records, schemas, uploads: store, sink, logger, batchSize, progressIntervalMs }),
    onError: (error, job) => logger.error({ err: error, importId: job.id }, 'import job failed'),
    closeReason: () => appError('IMPORT_SERVICE_CLOSED'),
  });
  /** A shared queue may run the job on another instance: the record is held live only where it runs. */
  const shared = queue.has !== undefined;
  async function submit(record: ImportRecord): Promise<void> {
    if (!shared) records.hold(record);
    await queue.enqueue({ id: record.id });
  }
  const automatic = createAutomaticImports({ records, schemas, uploads: store, submit, logger });
  let closed = false;

  return {
    async start({ uploadId, schema, mode = DEFAULT_MODE, maxErrors = DEFAULT_MAX_ERRORS }, requester = ANONYMOUS) {
      if (closed) throw appError('IMPORT_SERVICE_CLOSED');
      if (schemas.get(schema) === undefined) throw appError('IMPORT_SCHEMA_UNKNOWN');
      const upload = await store.readUpload(uploadId);
      // Built as the store builds a missing upload's error, so ids cannot be probed.
      if (!canSee(requester, upload.owner)) throw appError('UPLOAD_NOT_FOUND');
      if (upload.size === undefined || upload.offset !== upload.size) {
        throw appError('UPLOAD_NOT_FINISHED', { message: 'The upload is not finished yet, so it cannot be imported.' });
      }
      const record = newRecord(createImportId(), upload, schema, mode, maxErrors);
      await records.save(record);
      logger.info({ importId: record.id, uploadId, mode }, 'import queued');
      const accepted = structuredClone(record);
      await submit(record);
      return accepted;
    },
    get: (id, viewer = ANONYMOUS) => findVisibleImport(records, id, viewer),
    ...createImportReports(records),
    onUploadFinished: (upload) => automatic.onUploadFinished(upload),
    async recover() {
      await resumeInterruptedImports({ records, submit, isQueued: queue.has, logger });
      void automatic.scanFinishedUploads();
    },
    async close() {
      closed = true;
      await Promise.all([automatic.close(), queue.close()]);
      await records.settled();
    },
  };
}

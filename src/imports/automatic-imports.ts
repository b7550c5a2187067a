import type { Logger } from 'pino';
import type { SchemaRegistry } from '../csv/schema/index.js';
import { isAppError } from '../errors/app-error.js';
import { appError } from '../errors/catalogue.js';
import { DEFAULT_MAX_ERRORS, DEFAULT_MODE, parseMetadataMode } from './import-request.js';
import { importIdForUpload } from './records/import-ids.js';
import { fail, type ImportRecord, newRecord } from './records/import-record.js';
import type { ImportRecords } from './records/import-records.js';
import type { ImportableUpload, UploadSource } from './upload-source.js';

export interface AutomaticImportsOptions {
  records: ImportRecords;
  schemas: SchemaRegistry;
  uploads: UploadSource;
  /** Hands a saved, queued record to the import queue. */
  submit: (record: ImportRecord) => Promise<void>;
  logger: Logger;
}

/**
 * An upload with `schema` metadata (and optional `mode`) gets one automatic import,
 * `upload-<uploadId>`, however often its finish is reported, across restarts.
 */
export interface AutomaticImports {
  /** The finish hook. Never throws: problems are recorded on the import or logged. */
  onUploadFinished(upload: ImportableUpload): Promise<void>;
  /**
   * The crash window between an upload's finish (bytes fsynced) and its automatic import's
   * first save: every finished upload is offered to onUploadFinished, one at a time. Stops
   * when `close` is called.
   */
  scanFinishedUploads(): Promise<void>;
  /** Starts no more imports and waits for a running scan to stop. */
  close(): Promise<void>;
}

export function createAutomaticImports({ records, schemas, uploads, submit, logger }: AutomaticImportsOptions): AutomaticImports {
  /** Automatic imports being created: a second finish event sees the first at once. */
  const claimed = new Set<string>();
  let scanning: Promise<void> | undefined;
  let closed = false;

  /**
   * True when it saved a new record (queued, or failed at once). Exclusive across the
   * instances sharing the data dir: only the one whose record was written first queues it.
   */
  async function create(upload: ImportableUpload, schemaName: string, id: string): Promise<boolean> {
    if ((await records.read(id)) !== undefined) return false;
    const log = logger.child({ importId: id, uploadId: upload.id });
    let failure: { code: string; message: string } | undefined;
    let mode = DEFAULT_MODE;
    try {
      mode = parseMetadataMode(upload.metadata?.mode);
      if (schemas.get(schemaName) === undefined) throw appError('IMPORT_SCHEMA_UNKNOWN');
    } catch (error) {
      if (!isAppError(error)) throw error;
      failure = { code: error.code, message: error.message };
    }
    const record = newRecord(id, upload, schemaName, mode, DEFAULT_MAX_ERRORS);
    if (failure !== undefined) {
      fail(record, failure.code, failure.message);
      if (!(await records.create(record))) return false;
      log.info({ code: failure.code }, 'import failed');
      return true;
    }
    if (!(await records.create(record))) return false;
    log.info({ mode }, 'import queued');
    await submit(record);
    return true;
  }

  /** True when it created the upload's automatic import. */
  async function start(upload: ImportableUpload): Promise<boolean> {
    const schemaName = upload.metadata?.schema;
    if (schemaName === undefined || schemaName === null || schemaName === '') return false;
    const id = importIdForUpload(upload.id);
    if (closed || claimed.has(id) || records.live(id) !== undefined) return false;
    claimed.add(id);
    try {
      return await create(upload, schemaName, id);
    } catch (error) {
      logger.error({ err: error, importId: id, uploadId: upload.id }, 'automatic import not started');
      return false;
    } finally {
      claimed.delete(id);
    }
  }

  async function scan(): Promise<void> {
    let started = 0;
    try {
      for await (const upload of uploads.finishedUploads()) {
        if (closed) return;
        if (await start(upload)) started += 1;
      }
    } catch (error) {
      logger.error({ err: error }, 'finished uploads not scanned for missed automatic imports');
      return;
    }
    logger.info({ started }, 'finished uploads scanned for missed automatic imports');
  }

  return {
    async onUploadFinished(upload) {
      await start(upload);
    },
    scanFinishedUploads() {
      scanning ??= scan();
      return scanning;
    },
    async close() {
      closed = true;
      await scanning;
    },
  };
}

import type { Logger } from 'pino';
import type { SchemaRegistry } from '../csv/schema/index.js';
import { isAppError, type AppError } from '../errors/app-error.js';
import { appError } from '../errors/catalogue.js';
import { errorsCsvLines, type RejectedFileLine } from './records/errors-csv.js';
import { executeImport } from './run/execute-import.js';
import { importPaths, importsDirectory, listImportIds, readImportRecord, writeImportRecord } from './records/import-files.js';
import { begin, fail, newRecord, settle, toFailure, type ImportRecord } from './records/import-record.js';
import { createImportId, importIdForUpload, isImportId } from './records/import-ids.js';
import { DEFAULT_MAX_ERRORS, DEFAULT_MODE, parseMetadataMode, type ImportRequest } from './import-request.js';
import { readNdjson } from './records/ndjson-file.js';
import type { RejectedRow } from './run/run-import.js';
import type { ProblemKind } from './run/summary-tally.js';
import type { ImportMode, ImportSummary, ReportEntry, Sink } from './types.js';
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
}

/** An error or warning entry as `<id>.errors.ndjson` and GET /imports/:id/errors give it. */
export type ErrorLine = ReportEntry & { kind: ProblemKind };

export interface ErrorPage {
  /** Entries there are (of `kind`, when given); while the import runs, so far. */
  total: number;
  offset: number;
  limit: number;
  errors: ErrorLine[];
}

/** A rejected row as GET /imports/:id/rejected-rows gives it: its raw fields, in file order (its errors are in /errors). */
export type RejectedRowLine = Omit<RejectedRow, 'errors'>;

export interface RejectedRowPage {
  /** The file's header as it spells it; empty when the import never read one. */
  header: string[];
  /** Rejected rows there are; while the import runs, so far. */
  total: number;
  offset: number;
  limit: number;
  rows: RejectedRowLine[];
}

export interface ImportService {
  /** Queues an import of a finished upload (IMPORT_SCHEMA_UNKNOWN, UPLOAD_NOT_FOUND, UPLOAD_NOT_FINISHED otherwise). */
  start(request: ImportRequest): Promise<ImportRecord>;
  /** The import's state (IMPORT_NOT_FOUND otherwise): live while it runs. */
  get(id: string): Promise<ImportRecord>;
  /** A page of its errors and warnings, in file order; `kind` keeps one of the two. */
  errors(id: string, page: { offset: number; limit: number; kind?: ProblemKind }): Promise<ErrorPage>;
  /** A page of its rejected rows, whole, in file order, with the file's header; reading stops after the page. */
  rejectedRowPage(id: string, page: { offset: number; limit: number }): Promise<RejectedRowPage>;
  /** Its rejected rows, raw fields and errors, read from disk as they are consumed. */
  rejectedRows(id: string): AsyncGenerator<RejectedRow>;
  /** errors.csv, line by line (call `get` first to answer 404 before streaming). */
  errorsCsv(id: string): AsyncGenerator<string>;
  /**
   * The tus finish hook: an upload with `schema` metadata (and optional `mode`) gets one
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
 * The import service: one import runs at a time, in the background, in the order they
 * were queued. Each import's state is a JSON file (written atomically), so it survives a
 * restart; errors and rejected rows are streamed to NDJSON files beside it, never held in
 * memory.
 */
export function createImportService({
  dataDir, schemas, sink, store, logger, batchSize = 1000, progressIntervalMs = 1000,
}: ImportServiceOptions): ImportService {
  const directory = importsDirectory(dataDir);
  /** Queued and running imports: GET reads them from here. */
  const active = new Map<string, ImportRecord>();
  /** Automatic imports being created: a second finish event sees the first at once. */
  const claimed = new Set<string>();
  const saving = new Map<string, Promise<void>>();
  const queue: ImportRecord[] = [];
  let draining: Promise<void> | undefined;
  let scanning: Promise<void> | undefined;
  let running: AbortController | undefined;
  let closed = false;

  /** Writes the record after any earlier write of it, so the last state always wins. */
  function save(record: ImportRecord): Promise<void> {
    const next = (saving.get(record.id) ?? Promise.resolve()).catch(() => undefined).then(() => writeImportRecord(directory, record));
    saving.set(record.id, next);
    next.then(
      () => (saving.get(record.id) === next ? saving.delete(record.id) : undefined),
      () => undefined,
    );
    return next;
  }

  function enqueue(record: ImportRecord): void {
    active.set(record.id, record);
    queue.push(record);
    drain();
  }

  function drain(): void {
    if (draining !== undefined || closed) return;
    draining = (async () => {
      for (let next = queue.shift(); next !== undefined && !closed; next = queue.shift()) await run(next);
    })().finally(() => {
      draining = undefined;
      if (queue.length > 0 && !closed) drain();
    });
  }

  async function run(record: ImportRecord): Promise<void> {
    const controller = new AbortController();
    running = controller;
    begin(record);
    const log = logger.child({ importId: record.id, uploadId: record.uploadId });
    let lastSaved = Date.now();
    try {
      await save(record);
      log.info({ mode: record.mode, attempt: record.attempts }, 'import started');
      const schema = schemas.get(record.schema);
      if (schema === undefined) throw appError('IMPORT_SCHEMA_UNKNOWN');
      const summary = await executeImport({
        record, schema, paths: importPaths(directory, record.id), uploads: store, sink, batchSize, signal: controller.signal,
        onChange() {
          if (Date.now() - lastSaved < progressIntervalMs) return;
          lastSaved = Date.now();
          save(record).catch((error: unknown) => log.error({ err: error }, 'import state not saved'));
        },
      });
      settle(record, summary);
      log.info({ status: record.status, ...countsOf(record.summary), failure: record.failure?.code }, 'import finished');
    } catch (error) {
      if (controller.signal.aborted) {
        record.status = 'queued';
        await save(record).catch((saveError: unknown) => log.error({ err: saveError }, 'import state not saved'));
        log.warn({ attempt: record.attempts }, 'import interrupted by shutdown and rolled back; it runs again at the next start');
        return;
      }
      const failure = toFailure(error);
      fail(record, failure.code, failure.message);
      // A database driver's message (the AppError's cause) may quote a cell: only our own errors are logged whole.
      if (failure.status < 500) log.info({ code: failure.code }, 'import failed');
      else if (isAppError(error)) log.error({ code: failure.code, details: error.details }, 'import failed');
      else log.error({ err: error, code: failure.code }, 'import failed');
    } finally {
      running = undefined;
      active.delete(record.id);
    }
    await save(record).catch((error: unknown) => log.error({ err: error }, 'import state not saved'));
  }

  async function find(id: string): Promise<ImportRecord> {
    const live = active.get(id);
    if (live !== undefined) return structuredClone(live);
    const stored = isImportId(id) ? await readImportRecord(directory, id) : undefined;
    if (stored === undefined) throw appError('IMPORT_NOT_FOUND');
    return stored;
  }

  /** True when it saved a new record (queued, or failed at once). */
  async function createAutomaticImport(upload: ImportableUpload, schemaName: string, id: string): Promise<boolean> {
    if ((await readImportRecord(directory, id)) !== undefined) return false;
    const log = logger.child({ importId: id, uploadId: upload.id });
    let mode: ImportMode;
    try {
      mode = parseMetadataMode(upload.metadata?.mode);
    } catch (error) {
      const record = newRecord(id, upload, schemaName, DEFAULT_MODE, DEFAULT_MAX_ERRORS);
      fail(record, (error as AppError).code, (error as AppError).message);
      await save(record);
      log.info({ code: record.failure?.code }, 'import failed');
      return true;
    }
    const record = newRecord(id, upload, schemaName, mode, DEFAULT_MAX_ERRORS);
    if (schemas.get(schemaName) === undefined) {
      const unknown = appError('IMPORT_SCHEMA_UNKNOWN');
      fail(record, unknown.code, unknown.message);
      await save(record);
      log.info({ code: unknown.code }, 'import failed');
      return true;
    }
    await save(record);
    log.info({ mode }, 'import queued');
    enqueue(record);
    return true;
  }

  /** onUploadFinished; true when it created the upload's automatic import. */
  async function startAutomaticImport(upload: ImportableUpload): Promise<boolean> {
    const schemaName = upload.metadata?.schema;
    if (schemaName === undefined || schemaName === null || schemaName === '') return false;
    const id = importIdForUpload(upload.id);
    if (closed || claimed.has(id) || active.has(id)) return false;
    claimed.add(id);
    try {
      return await createAutomaticImport(upload, schemaName, id);
    } catch (error) {
      logger.error({ err: error, importId: id, uploadId: upload.id }, 'automatic import not started');
      return false;
    } finally {
      claimed.delete(id);
    }
  }

  /**
   * The crash window between an upload's finish (bytes fsynced) and its automatic import's
   * first save: every finished upload is offered to startAutomaticImport, one at a time,
   * which skips those without `schema` or with a record. Stops when the service closes.
   */
  async function startMissedImports(): Promise<void> {
    let started = 0;
    try {
      for await (const upload of store.finishedUploads()) {
        if (closed) return;
        if (await startAutomaticImport(upload)) started += 1;
      }
    } catch (error) {
      logger.error({ err: error }, 'finished uploads not scanned for missed automatic imports');
      return;
    }
    logger.info({ started }, 'finished uploads scanned for missed automatic imports');
  }

  return {
    async start({ uploadId, schema, mode = DEFAULT_MODE, maxErrors = DEFAULT_MAX_ERRORS }) {
      if (closed) throw appError('HTTP_SHUTTING_DOWN');
      if (schemas.get(schema) === undefined) throw appError('IMPORT_SCHEMA_UNKNOWN');
      const upload = await store.getUpload(uploadId);
      if (upload.size === undefined || upload.offset !== upload.size) {
        throw appError('UPLOAD_NOT_FINISHED', { message: 'The upload is not finished yet, so it cannot be imported.' });
      }
      const record = newRecord(createImportId(), upload, schema, mode, maxErrors);
      await save(record);
      logger.info({ importId: record.id, uploadId, mode }, 'import queued');
      const accepted = structuredClone(record);
      enqueue(record);
      return accepted;
    },

    get: find,

    async errors(id, { offset, limit, kind }) {
      const { summary } = await find(id);
      const total = kind === 'error' ? summary.errorCount : kind === 'warning' ? summary.warningCount : summary.errorCount + summary.warningCount;
      const errors: ErrorLine[] = [];
      let index = 0;
      if (limit > 0) {
        for await (const entry of readNdjson<ErrorLine>(importPaths(directory, id).errors)) {
          if (kind !== undefined && entry.kind !== kind) continue;
          index += 1;
          if (index <= offset) continue;
          errors.push(entry);
          if (errors.length >= limit) break;
        }
      }
      return { total, offset, limit, errors };
    },

    async rejectedRowPage(id, { offset, limit }) {
      const { summary } = await find(id);
      let header: string[] = [];
      const rows: RejectedRowLine[] = [];
      let index = 0;
      for await (const line of readNdjson<RejectedFileLine>(importPaths(directory, id).rejected)) {
        if ('header' in line) {
          header = line.header;
          continue;
        }
        index += 1;
        if (index <= offset) continue;
        rows.push({ row: line.row, line: line.line, fields: line.fields });
        if (rows.length >= limit) break;
      }
      return { header, total: summary.rowsFailed, offset, limit, rows };
    },

    async *rejectedRows(id) {
      await find(id);
      for await (const line of readNdjson<RejectedFileLine>(importPaths(directory, id).rejected)) {
        if (!('header' in line)) yield line;
      }
    },

    async *errorsCsv(id) {
      await find(id);
      yield* errorsCsvLines(readNdjson<RejectedFileLine>(importPaths(directory, id).rejected));
    },

    async onUploadFinished(upload) {
      await startAutomaticImport(upload);
    },

    async recover() {
      const found: ImportRecord[] = [];
      for (const id of await listImportIds(directory)) {
        if (active.has(id)) continue;
        let record: ImportRecord | undefined;
        try {
          record = await readImportRecord(directory, id);
        } catch (error) {
          logger.error({ err: error, importId: id }, 'import state unreadable');
          continue;
        }
        if (record === undefined || (record.status !== 'queued' && record.status !== 'running')) continue;
        if (record.attempts >= 2) {
          fail(record, 'IMPORT_INTERRUPTED', appError('IMPORT_INTERRUPTED').message);
          await save(record);
          logger.warn({ importId: id, uploadId: record.uploadId, attempts: record.attempts }, 'import interrupted again: not tried again');
          continue;
        }
        found.push(record);
      }
      found.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
      for (const record of found) {
        logger.info({ importId: record.id, uploadId: record.uploadId, attempts: record.attempts }, 'import resumed');
        record.status = 'queued';
        await save(record);
        enqueue(record);
      }
      scanning ??= startMissedImports();
    },

    async close() {
      closed = true;
      running?.abort(appError('HTTP_SHUTTING_DOWN'));
      await scanning;
      await draining;
      await Promise.allSettled([...saving.values()]);
    },
  };
}

function countsOf(summary: ImportSummary) {
  const { rowsRead, rowsImported, rowsFailed, errorCount, warningCount } = summary;
  return { rowsRead, rowsImported, rowsFailed, errorCount, warningCount };
}

export { type ImportRequest, parseImportRequest, type RequestProblem, requestInvalid } from './import-request.js';
export { createImportService, type ImportService, type ImportServiceOptions } from './import-service.js';
export { importIdForUpload } from './records/import-ids.js';
export type { ImportRecord } from './records/import-record.js';
export type { ErrorLine, ErrorPage, ImportReports, RejectedRowLine, RejectedRowPage } from './records/import-reports.js';
export { type BullmqImportQueueOptions, createBullmqImportQueue } from './run/bullmq-import-queue.js';
export {
  createInProcessImportQueue,
  type ImportJob,
  type ImportJobHandler,
  type ImportQueue,
  type ImportQueueFactory,
  type ImportQueueHandlers,
  type InProcessImportQueueOptions,
} from './run/import-queue.js';
export { type HeaderRecord, type RejectedRow, type RunImportOptions, runImport } from './run/run-import.js';
export type { ProblemKind } from './run/summary-tally.js';
export { createLazySink } from './sinks/lazy-sink.js';
export type { ImportMode, ImportState, ImportStatus, ImportSummary, ReportEntry, Sink, SinkTransaction } from './types.js';
export type { ImportableUpload, UploadSource } from './upload-source.js';

export type { ImportRecord } from './records/import-record.js';
export { parseImportRequest, requestInvalid, type ImportRequest, type RequestProblem } from './import-request.js';
export { createImportService, type ErrorLine, type ErrorPage, type ImportService, type RejectedRowLine, type RejectedRowPage, type ImportServiceOptions } from './import-service.js';
export { createLazySink } from './sinks/lazy-sink.js';
export { runImport, type HeaderRecord, type RejectedRow, type RunImportOptions } from './run/run-import.js';
export type { ProblemKind } from './run/summary-tally.js';
export type { ImportableUpload, UploadSource } from './upload-source.js';
export { importIdForUpload } from './records/import-ids.js';
export type { ImportMode, ImportState, ImportStatus, ImportSummary, ReportEntry, Sink, SinkTransaction } from './types.js';

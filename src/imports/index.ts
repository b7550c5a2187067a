export type { ImportRecord } from './import-record.js';
export { parseImportRequest, requestInvalid, type ImportRequest, type RequestProblem } from './import-request.js';
export { createImportService, type ErrorLine, type ErrorPage, type ImportService, type RejectedRowLine, type RejectedRowPage, type ImportServiceOptions } from './import-service.js';
export { createLazySink } from './lazy-sink.js';
export { runImport, type HeaderRecord, type RejectedRow, type RunImportOptions } from './run-import.js';
export type { ProblemKind } from './summary-tally.js';
export type { UploadInfo, UploadSource } from './upload-source.js';

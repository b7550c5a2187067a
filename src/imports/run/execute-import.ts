import type { Schema } from '../../csv/types.js';
import type { ImportPaths } from '../records/import-files.js';
import type { ImportRecord } from '../records/import-record.js';
import { createNdjsonWriter } from '../records/ndjson-file.js';
import type { ImportSummary, Sink } from '../types.js';
import type { UploadSource } from '../upload-source.js';
import { rejectBinary } from './binary-guard.js';
import { runImport } from './run-import.js';
import { countProblem } from './summary-tally.js';

export interface ExecuteImportOptions {
  /** Updated as the import runs (progress, live counts) for GET; the caller persists it. */
  record: ImportRecord;
  schema: Schema;
  paths: ImportPaths;
  uploads: UploadSource;
  sink: Sink;
  batchSize: number;
  signal: AbortSignal;
  /** Called whenever `record` changed. */
  onChange: () => void;
}

/**
 * One run of an import: the finished upload's bytes (binary content is IMPORT_NOT_CSV)
 * through runImport, errors and warnings to `<id>.errors.ndjson`, the header and the
 * rejected rows to `<id>.rejected.ndjson`. Both files start afresh on every run.
 */
export async function executeImport({ record, schema, paths, uploads, sink, batchSize, signal, onChange }: ExecuteImportOptions): Promise<ImportSummary> {
  const download = await uploads.openDownload(record.uploadId);
  record.progress = { bytesRead: 0, bytesTotal: download.size };
  onChange();
  const errors = createNdjsonWriter(paths.errors);
  const rejected = createNdjsonWriter(paths.rejected);
  const cleanUp = async (): Promise<void> => {
    const closed = await Promise.allSettled([errors.close(), rejected.close()]);
    if (!download.stream.locked) await download.stream.cancel().catch(() => undefined);
    const failed = closed.find((result) => result.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  };
  let summary: ImportSummary;
  try {
    summary = await runImport({
      source: rejectBinary(download.stream, schema.encoding),
      schema,
      mode: record.mode,
      maxErrors: record.maxErrors,
      sink: record.mode === 'validate' ? undefined : sink,
      importId: record.id,
      batchSize,
      signal,
      onProgress({ bytesRead, rowsRead }) {
        record.progress.bytesRead = bytesRead;
        record.summary.rowsRead = rowsRead;
        onChange();
      },
      async onProblem(entry, kind) {
        countProblem(record.summary, entry, kind);
        await errors.write({ kind, ...entry });
      },
      async onRejectedRow(row) {
        record.summary.rowsFailed += 1;
        await rejected.write(row);
      },
      onHeader: (header) => rejected.write({ header: header.fields }),
    });
  } catch (error) {
    await cleanUp().catch(() => undefined);
    throw error;
  }
  await cleanUp();
  return summary;
}

import { readRecordsInWorker } from '../../csv/read/index.js';
import type { RawRecord, ReportEntry, Schema } from '../../csv/types.js';
import { createRowValidator, type RowResult, type RowValidator } from '../../csv/validate/index.js';
import { appError } from '../../errors/catalogue.js';
import type { ImportMode, ImportSummary, Sink } from '../types.js';
import { type BatchWriter, createBatchWriter } from './batch-writer.js';
import { emptyFileEntry, missingTypeRowEntry } from './file-entries.js';
import { createProblemReporter, type ProblemCallback, type ProblemReporter } from './problem-reporter.js';
import { createEmptySummary } from './summary-tally.js';

/** A data row that had errors, with its raw fields as read (empty after a quote or size error). */
export interface RejectedRow {
  row: number;
  line: number;
  fields: string[];
  /** The errors reported for it (those within maxErrors). */
  errors: ReportEntry[];
}

/** The header record, as the file spells it. */
export interface HeaderRecord {
  row: number;
  line: number;
  fields: string[];
}

export interface RunImportOptions {
  source: AsyncIterable<Uint8Array>;
  schema: Schema;
  mode: ImportMode;
  /** Reading stops at the first error beyond this many; one max-errors entry says so (summary.stoppedEarly). */
  maxErrors: number;
  /** Where good rows go; absent in validate mode (validate writes nothing). */
  sink?: Sink;
  /** The import the rows belong to: the sink commits each import's rows once (its commit ledger). */
  importId: string;
  /** Rows per sink write, default 1000. */
  batchSize?: number;
  /** After each chunk of the source, and once at the end (also when the run fails). */
  onProgress?: (progress: { bytesRead: number; rowsRead: number }) => void;
  /** Every error and warning entry, in file order (awaited: a slow consumer slows the import down). */
  onProblem?: ProblemCallback;
  /** Every data row with errors (awaited). */
  onRejectedRow?: (rejected: RejectedRow) => void | Promise<void>;
  /** The header record, before it is checked (awaited); for reports that show the file's own columns. */
  onHeader?: (header: HeaderRecord) => void | Promise<void>;
  /** Aborting stops at the next record: the transaction is rolled back and the promise rejects with the reason. */
  signal?: AbortSignal;
}

type Phase = 'header' | 'type-row' | 'rows' | 'rejected';

/**
 * Streams a CSV file through the schema into the sink, in one transaction.
 *
 * - The first record after the skipped lines is the header; header problems (and, with a
 *   type row, type-row problems) reject the file: only they are reported, nothing is written.
 * - No header at all is one empty-file error, and the file is rejected.
 * - Each data row's parse problems and validation errors are reported; blank rows and
 *   ignored header labels are warnings, counted apart.
 * - all-or-nothing commits only when no row failed; skip-bad-rows commits the good rows;
 *   validate writes nothing. Stopping at maxErrors writes nothing in any mode: the rest of
 *   the file was never read.
 * - A sink failure rolls back and rejects with the sink's AppError.
 *
 * Rows and errors are never collected: they leave through the callbacks as they come, and
 * memory holds one batch of good rows at most.
 */
export async function runImport(options: RunImportOptions): Promise<ImportSummary> {
  const { source, schema, mode, maxErrors, sink, importId, batchSize = 1000, onProgress, onProblem, onRejectedRow, onHeader, signal } = options;
  checkOptions(mode, sink, maxErrors, batchSize);
  const summary = createEmptySummary();
  const reporter = createProblemReporter(summary, maxErrors, onProblem);
  const writer = mode === 'validate' || sink === undefined ? undefined : createBatchWriter(sink, schema, importId, batchSize);
  const validator = createRowValidator(schema);
  let bytesRead = 0;
  const batches = readRecordsInWorker(source, {
    delimiter: schema.delimiter,
    encoding: schema.encoding,
    maxRecordSize: schema.maxRecordSize,
    skipLines: schema.skipLines,
    onProgress(bytes) {
      bytesRead = bytes;
      onProgress?.({ bytesRead, rowsRead: summary.rowsRead });
    },
  });
  const context: RowContext = { mode, validator, reporter, summary, writer, onRejectedRow, writing: writer !== undefined };

  try {
    let phase: Phase = 'header';
    let header: RawRecord | undefined;
    reading: for await (const batch of batches) {
      for (const record of batch) {
        signal?.throwIfAborted();
        if (phase === 'header') {
          header = record;
          await onHeader?.({ row: record.row, line: record.line, fields: record.fields });
          phase = (await acceptHeader(context, record)) ? (schema.typeRow ? 'type-row' : 'rows') : 'rejected';
        } else if (phase === 'type-row') {
          phase = (await acceptTypeRow(context, record)) ? 'rows' : 'rejected';
        } else {
          const waiting = readRow(context, record);
          if (waiting !== undefined) await waiting;
        }
        if (phase === 'rejected' || reporter.stopped) break reading;
      }
    }
    signal?.throwIfAborted();
    if (header === undefined) await reporter.errors([emptyFileEntry(schema)], { row: 1, line: 1 });
    else if (phase === 'type-row') await reporter.errors([missingTypeRowEntry(header)], header);
    summary.rejected = phase !== 'rows';
    summary.rowsImported = await finish(context);
    onProgress?.({ bytesRead, rowsRead: summary.rowsRead });
    return summary;
  } catch (error) {
    onProgress?.({ bytesRead, rowsRead: summary.rowsRead });
    await writer?.rollback().catch(() => undefined);
    throw error;
  }
}

interface RowContext {
  mode: ImportMode;
  validator: RowValidator;
  reporter: ProblemReporter;
  summary: ImportSummary;
  writer: BatchWriter | undefined;
  onRejectedRow: RunImportOptions['onRejectedRow'];
  /** False once all-or-nothing has met a bad row: the transaction is rolled back already. */
  writing: boolean;
}

function checkOptions(mode: ImportMode, sink: Sink | undefined, maxErrors: number, batchSize: number): void {
  const problems: string[] = [];
  if (mode !== 'validate' && sink === undefined) problems.push(`mode ${mode} needs a sink`);
  if (!Number.isSafeInteger(maxErrors) || maxErrors < 1) problems.push(`maxErrors must be a positive integer, got ${maxErrors}`);
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) problems.push(`batchSize must be a positive integer, got ${batchSize}`);
  if (problems.length > 0) throw appError('INTERNAL_ERROR', { message: `runImport: ${problems.join('; ')}` });
}

/** Maps the header; false (after reporting) when it rejects the file. */
async function acceptHeader({ validator, reporter }: RowContext, record: RawRecord): Promise<boolean> {
  const result = validator.header(record);
  await reporter.warnings(result.warnings);
  const errors = [...record.problems, ...result.errors];
  if (errors.length === 0) return true;
  await reporter.errors(errors, record);
  return false;
}

async function acceptTypeRow({ validator, reporter }: RowContext, record: RawRecord): Promise<boolean> {
  const errors = [...record.problems, ...validator.typeRow(record)];
  if (errors.length === 0) return true;
  await reporter.errors(errors, record);
  return false;
}

/**
 * One data row. A good row only joins the pending batch, synchronously: a promise comes
 * back only when there is something to wait for (a full batch, or problems to report).
 */
function readRow(context: RowContext, record: RawRecord): Promise<void> | undefined {
  const { validator, summary, writer } = context;
  summary.rowsRead += 1;
  // A record the reader could not parse has no fields to check.
  const unreadable = record.problems.length > 0 && record.fields.length === 0;
  const result = unreadable ? undefined : validator.row(record);
  if (result?.values === undefined || record.problems.length > 0 || result.warnings.length > 0) return reportRow(context, record, result);
  if (context.writing && writer?.add(result.values) === true) return writer.flush();
  return undefined;
}

/** A row with problems (or warnings): reported, and in all-or-nothing the end of writing. */
async function reportRow(context: RowContext, record: RawRecord, result: RowResult | undefined): Promise<void> {
  const { reporter, summary, writer } = context;
  await reporter.warnings(result?.warnings ?? []);
  const errors = [...record.problems, ...(result?.errors ?? [])];
  if (errors.length > 0) {
    summary.rowsFailed += 1;
    const reported = await reporter.errors(errors, record);
    await context.onRejectedRow?.({ row: record.row, line: record.line, fields: record.fields, errors: reported });
    if (context.mode === 'all-or-nothing' && context.writing) {
      context.writing = false;
      await writer?.rollback();
    }
    return;
  }
  if (result?.values !== undefined && context.writing && writer?.add(result.values) === true) await writer.flush();
}

/** Commits or rolls back as the mode says; returns the rows imported. */
async function finish({ mode, summary, writer }: RowContext): Promise<number> {
  if (writer === undefined) return 0;
  const keep = !summary.rejected && !summary.stoppedEarly && (mode === 'skip-bad-rows' || summary.rowsFailed === 0);
  if (!keep) {
    await writer.rollback();
    return 0;
  }
  return writer.commit();
}

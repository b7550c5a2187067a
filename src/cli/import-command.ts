import type { ReportEntry, Schema } from '../csv/types.js';
import { runImport } from '../imports/index.js';
import { createImportId } from '../imports/records/import-ids.js';
import { createSink } from '../imports/sinks/index.js';
import type { ImportSummary } from '../imports/types.js';
import { reportFailure } from './command-failure.js';
import { openCsvFile } from './csv-file.js';
import { EXIT_INTERRUPTED, EXIT_OK, EXIT_PROBLEMS } from './exit-codes.js';
import { type ImportCommandOptions, readImportOptions } from './import-options.js';
import { createProgressBar } from './progress-bar.js';
import { formatTextReport, type ImportReport } from './report-format.js';
import { resolveSchema } from './resolve-schema.js';

/** How many errors and warnings the text report lists; --json lists every one. */
const TABLE_LIMIT = 20;

/**
 * `ferry import <file.csv> --schema <name|path> [...]`: imports a CSV file offline, without
 * a server. Exit 0 when every row is good, 1 with row or header errors, 2 for usage and
 * config errors, 3 when the database fails, 130 when interrupted (nothing committed).
 */
export async function importCommand(args: readonly string[]): Promise<number> {
  try {
    const options = readImportOptions(args, process.env);
    const schema = await resolveSchema(options.schema, options.schemasDir);
    const interrupt = new AbortController();
    const onInterrupt = (): void => interrupt.abort();
    process.once('SIGINT', onInterrupt);
    try {
      const report = await importFile(options, schema, interrupt.signal);
      process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatTextReport(report, { table: schema.table, limit: TABLE_LIMIT }));
      return report.summary.errorCount > 0 || report.summary.rejected ? EXIT_PROBLEMS : EXIT_OK;
    } catch (error) {
      if (!interrupt.signal.aborted) throw error;
      process.stderr.write('ferry import: interrupted; nothing was imported\n');
      return EXIT_INTERRUPTED;
    } finally {
      process.off('SIGINT', onInterrupt);
    }
  } catch (error) {
    return reportFailure('import', error);
  }
}

/** Streams the file through runImport into the sink (none in validate mode), with a progress bar on a terminal. */
async function importFile(options: ImportCommandOptions, schema: Schema, signal: AbortSignal): Promise<ImportReport> {
  const csv = await openCsvFile(options.file);
  const problems = collectProblems(options.json ? Infinity : TABLE_LIMIT);
  const progressBar = createProgressBar({ stream: process.stderr, totalBytes: csv.size });
  let summary: ImportSummary;
  try {
    const sink = options.mode === 'validate' ? undefined : createSink({ dataDir: options.dataDir, databaseUrl: options.databaseUrl });
    try {
      summary = await runImport({
        source: csv.chunks(),
        schema,
        mode: options.mode,
        maxErrors: options.maxErrors,
        sink,
        // Each run of the command is an import of its own.
        importId: createImportId(),
        onProgress: (progress) => progressBar.update(progress),
        onProblem: problems.add,
        signal,
      });
    } finally {
      progressBar.finish();
      await sink?.close();
    }
  } finally {
    await csv.close();
  }
  return { file: options.file, schema: schema.name, mode: options.mode, summary, errors: problems.errors, warnings: problems.warnings };
}

/** Keeps the first `limit` errors and warnings (the counts come from the summary). */
function collectProblems(limit: number) {
  const errors: ReportEntry[] = [];
  const warnings: ReportEntry[] = [];
  return {
    errors,
    warnings,
    add(entry: ReportEntry, kind: 'error' | 'warning'): void {
      const list = kind === 'error' ? errors : warnings;
      if (list.length < limit) list.push(entry);
    },
  };
}

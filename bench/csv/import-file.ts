import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { runImport } from '../../src/imports/index.js';
import { createPostgresSink, createSqliteSink } from '../../src/imports/sinks/index.js';
import type { ImportMode, Sink } from '../../src/imports/types.js';
import type { WorkerCaseKey } from './cases.js';
import { benchSchema } from './data.js';

export interface ImportArgs {
  key: Exclude<WorkerCaseKey, 'csv-parse' | 'csv-parse-info'>;
  file: string;
  rows: number;
  table: string;
  sqliteFile: string | undefined;
  databaseUrl: string | undefined;
}

/** A case ready to time: `run` does the measured work, `close` releases what it holds. */
export interface PreparedCase {
  run(): Promise<number>;
  close(): Promise<void>;
}

const MAX_ERRORS = 100;
const PROBLEMS_SHOWN = 5;

function openSink(args: ImportArgs): Sink | undefined {
  if (args.key === 'sqlite') return createSqliteSink({ file: args.sqliteFile ?? fail('--sqlite-file is required for the sqlite case') });
  if (args.key === 'postgres') return createPostgresSink({ connectionString: args.databaseUrl ?? fail('--database-url is required for the postgres case') });
  return undefined;
}

function fail(message: string): never {
  throw new Error(message);
}

/**
 * ferry's import of the file, with default batch size: validate mode without a sink,
 * all-or-nothing into SQLite or PostgreSQL. `run` fails unless every row was read (and
 * written, unless validating) without a problem; it returns the rows read.
 */
export function prepareImport(args: ImportArgs): PreparedCase {
  const sink = openSink(args);
  const schema = benchSchema(args.table);
  const mode: ImportMode = sink === undefined ? 'validate' : 'all-or-nothing';
  return {
    async run() {
      const problems: string[] = [];
      const summary = await runImport({
        source: createReadStream(args.file),
        schema,
        mode,
        maxErrors: MAX_ERRORS,
        sink,
        importId: randomUUID(),
        onProblem: (entry) => {
          if (problems.length < PROBLEMS_SHOWN) problems.push(entry.message);
        },
      });
      const expectedImported = mode === 'validate' ? 0 : args.rows;
      if (summary.errorCount > 0 || summary.rejected || summary.rowsRead !== args.rows || summary.rowsImported !== expectedImported) {
        const { rowsRead, rowsImported, rowsFailed, errorCount, errorsByCode } = summary;
        const counts = JSON.stringify({ rowsRead, rowsImported, rowsFailed, errorCount, errorsByCode });
        throw new Error(`import did not take ${args.rows} clean rows: ${counts}${problems.map((problem) => `\n  ${problem}`).join('')}`);
      }
      return summary.rowsRead;
    },
    async close() {
      await sink?.close();
    },
  };
}

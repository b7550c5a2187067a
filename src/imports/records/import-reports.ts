import { ANONYMOUS, type Principal } from '../../auth/principal.js';
import type { RejectedRow } from '../run/run-import.js';
import type { ProblemKind } from '../run/summary-tally.js';
import type { ReportEntry } from '../types.js';
import { errorsCsvLines, type RejectedFileLine } from './errors-csv.js';
import type { ImportRecords } from './import-records.js';
import { readNdjson } from './ndjson-file.js';
import { readPage } from './read-page.js';
import { findVisibleImport } from './visible-import.js';

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

/**
 * An import's reports, read from its NDJSON files as they are consumed (never whole into
 * memory), also while it runs. Each one is IMPORT_NOT_FOUND for an unknown import, and for
 * one `viewer` may not see (another owner's; default: the anonymous principal).
 */
export interface ImportReports {
  /** A page of its errors and warnings, in file order; `kind` keeps one of the two. */
  errors(id: string, page: { offset: number; limit: number; kind?: ProblemKind }, viewer?: Principal): Promise<ErrorPage>;
  /** A page of its rejected rows, whole, in file order, with the file's header; reading stops after the page. */
  rejectedRowPage(id: string, page: { offset: number; limit: number }, viewer?: Principal): Promise<RejectedRowPage>;
  /** Its rejected rows, raw fields and errors. */
  rejectedRows(id: string, viewer?: Principal): AsyncGenerator<RejectedRow>;
  /** errors.csv, line by line (check the import exists first to answer before streaming). */
  errorsCsv(id: string, viewer?: Principal): AsyncGenerator<string>;
}

export function createImportReports(records: ImportRecords): ImportReports {
  return {
    async errors(id, { offset, limit, kind }, viewer = ANONYMOUS) {
      const { summary } = await findVisibleImport(records, id, viewer);
      const total = kind === 'error' ? summary.errorCount : kind === 'warning' ? summary.warningCount : summary.errorCount + summary.warningCount;
      const entries = readNdjson<ErrorLine>(records.paths(id).errors);
      return { total, offset, limit, errors: await readPage(kind === undefined ? entries : ofKind(entries, kind), { offset, limit }) };
    },

    async rejectedRowPage(id, { offset, limit }, viewer = ANONYMOUS) {
      const { summary } = await findVisibleImport(records, id, viewer);
      let header: string[] = [];
      const rows = rowsOf(readRejectedFile(records, id), (fields) => {
        header = fields;
      });
      const page = await readPage(rows, { offset, limit });
      return { header, total: summary.rowsFailed, offset, limit, rows: page.map(({ row, line, fields }) => ({ row, line, fields })) };
    },

    async *rejectedRows(id, viewer = ANONYMOUS) {
      await findVisibleImport(records, id, viewer);
      yield* rowsOf(readRejectedFile(records, id), () => undefined);
    },

    async *errorsCsv(id, viewer = ANONYMOUS) {
      await findVisibleImport(records, id, viewer);
      yield* errorsCsvLines(readRejectedFile(records, id));
    },
  };
}

function readRejectedFile(records: ImportRecords, id: string): AsyncGenerator<RejectedFileLine> {
  return readNdjson<RejectedFileLine>(records.paths(id).rejected);
}

async function* ofKind(entries: AsyncIterable<ErrorLine>, kind: ProblemKind): AsyncGenerator<ErrorLine> {
  for await (const entry of entries) if (entry.kind === kind) yield entry;
}

/** The rejected rows of `<id>.rejected.ndjson`; its header line goes to `onHeader`. */
async function* rowsOf(lines: AsyncIterable<RejectedFileLine>, onHeader: (header: string[]) => void): AsyncGenerator<RejectedRow> {
  for await (const line of lines) {
    if ('header' in line) onHeader(line.header);
    else yield line;
  }
}

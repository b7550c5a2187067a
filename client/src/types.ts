/**
 * The JSON ferry's API answers with, as the page reads it (src/http/imports-routes.ts,
 * schemas-routes.ts, src/imports/types.ts on the server). Declared here rather than
 * imported, so the page depends on the wire format only.
 */

export type ImportMode = 'all-or-nothing' | 'skip-bad-rows' | 'validate';

export const IMPORT_MODES: readonly ImportMode[] = ['all-or-nothing', 'skip-bad-rows', 'validate'];

export type ImportStatus = 'queued' | 'running' | 'succeeded' | 'failed';

/** GET /schemas: `{schemas: SchemaSummary[]}`. */
export interface SchemaSummary {
  name: string;
  title?: string;
  /** How many columns. */
  columns: number;
}

/** GET /schemas/:name (only what the page uses). */
export interface SchemaDescription {
  name: string;
  title?: string;
  columns: { name: string; type: string }[];
}

export interface ImportSummary {
  rowsRead: number;
  rowsImported: number;
  rowsFailed: number;
  errorCount: number;
  warningCount: number;
  stoppedEarly: boolean;
  rejected: boolean;
  errorsByColumn: Record<string, number>;
  errorsByCode: Record<string, number>;
}

/** GET /imports/:id */
export interface ImportState {
  id: string;
  uploadId: string;
  schema: string;
  mode: ImportMode;
  status: ImportStatus;
  progress: { bytesRead: number; bytesTotal: number };
  summary: ImportSummary;
  failure?: { code: string; message: string };
}

/** One entry of GET /imports/:id/errors. */
export interface ReportEntry {
  kind: 'error' | 'warning';
  /** 1-based, the header is row 1: what a spreadsheet shows. */
  row: number;
  line: number;
  /** The schema column's name, or null when the problem is not about one column. */
  column: string | null;
  field: number | null;
  value: string | null;
  code: string;
  message: string;
}

/** GET /imports/:id/errors?offset=&limit= */
export interface ReportPage {
  total: number;
  offset: number;
  limit: number;
  errors: ReportEntry[];
}

/** One row of GET /imports/:id/rejected-rows: the row as the file has it. */
export interface RejectedRow {
  /** 1-based, the header is row 1 (as in ReportEntry). */
  row: number;
  line: number;
  /** The raw cells, in file order (none when the record could not be parsed). */
  fields: string[];
}

/** GET /imports/:id/rejected-rows?offset=&limit= */
export interface RejectedRowPage {
  /** The file's header as it spells it; empty when the import read none. */
  header: string[];
  total: number;
  offset: number;
  limit: number;
  rows: RejectedRow[];
}

/** Every error response: `{error: {code, message, ...}}`. */
export interface ErrorBody {
  error: { code: string; message: string };
}

import type { ImportSummary, ReportEntry } from '../types.js';

export type ProblemKind = 'error' | 'warning';

/** A summary with every count at zero. */
export function createEmptySummary(): ImportSummary {
  return {
    rowsRead: 0,
    rowsImported: 0,
    rowsFailed: 0,
    errorCount: 0,
    warningCount: 0,
    stoppedEarly: false,
    rejected: false,
    errorsByColumn: {},
    errorsByCode: {},
  };
}

/**
 * Counts one reported entry into `summary`: warnings only in warningCount; errors in
 * errorCount, by code, and by column when the entry is about one column.
 */
export function countProblem(summary: ImportSummary, entry: ReportEntry, kind: ProblemKind): void {
  if (kind === 'warning') {
    summary.warningCount += 1;
    return;
  }
  summary.errorCount += 1;
  summary.errorsByCode[entry.code] = (summary.errorsByCode[entry.code] ?? 0) + 1;
  if (entry.column !== null) summary.errorsByColumn[entry.column] = (summary.errorsByColumn[entry.column] ?? 0) + 1;
}

import type { ReportEntry } from '../csv/types.js';
import type { ImportMode, ImportSummary } from '../imports/types.js';
import { formatEntryTable } from './entry-table.js';

/** What `ferry import` reports: `--json` prints exactly this. */
export interface ImportReport {
  file: string;
  schema: string;
  mode: ImportMode;
  summary: ImportSummary;
  /** Every error entry with --json; the first few otherwise. */
  errors: ReportEntry[];
  warnings: ReportEntry[];
  /** Why the file as a whole could not be imported (a server import that failed, e.g. IMPORT_NOT_CSV). */
  failure?: { code: string; message: string };
}

export interface TextReportOptions {
  /** The database table rows go to. */
  table: string;
  /** How many errors (and warnings) the tables show. */
  limit: number;
}

/** The readable report: a summary block, then the first errors and warnings as tables. */
export function formatTextReport(report: ImportReport, { table, limit }: TextReportOptions): string {
  const { summary } = report;
  const facts: [string, string][] = [
    ['file', report.file],
    ['schema', `${report.schema} (table ${table})`],
    ['mode', report.mode],
    ['rows', `${summary.rowsRead} read, ${summary.rowsImported} imported, ${summary.rowsFailed} failed`],
    ['errors', String(summary.errorCount)],
    ['warnings', String(summary.warningCount)],
    ['stopped early', summary.stoppedEarly ? 'yes (--max-errors reached: the rest of the file was not read)' : 'no'],
    ['result', outcome(report)],
  ];
  const byColumn = formatCounts(summary.errorsByColumn);
  const byCode = formatCounts(summary.errorsByCode);
  if (byColumn !== '') facts.push(['errors by column', byColumn]);
  if (byCode !== '') facts.push(['errors by code', byCode]);
  const keyWidth = Math.max(...facts.map(([key]) => key.length)) + 1;
  const sections = [facts.map(([key, value]) => `${`${key}:`.padEnd(keyWidth)} ${value}`).join('\n')];
  sections.push(...entrySection('error', report.errors, summary.errorCount, limit));
  sections.push(...entrySection('warning', report.warnings, summary.warningCount, limit));
  return `${sections.join('\n\n')}\n`;
}

function outcome({ mode, summary, failure }: ImportReport): string {
  if (failure !== undefined && !summary.rejected) return `failed: ${failure.message.replace(/\.$/, '')} (${failure.code})`;
  if (summary.rejected) return 'rejected: the header does not fit the schema, so no row was read';
  if (summary.stoppedEarly && mode !== 'validate') return 'nothing imported (stopped at --max-errors)';
  if (mode === 'validate') return summary.errorCount === 0 ? 'valid (validate mode: nothing written)' : 'invalid (validate mode: nothing written)';
  if (summary.errorCount === 0) return `imported ${summary.rowsImported} rows`;
  if (mode === 'all-or-nothing') return 'nothing imported (all-or-nothing: fix the errors and run again)';
  return `imported ${summary.rowsImported} good rows, skipped ${summary.rowsFailed} bad ones`;
}

/** `MPG 2, Origin 1`: most frequent first. */
function formatCounts(counts: Readonly<Record<string, number | undefined>>): string {
  return Object.entries(counts)
    .filter((entry): entry is [string, number] => entry[1] !== undefined && entry[1] > 0)
    .sort(([leftName, left], [rightName, right]) => right - left || (leftName < rightName ? -1 : 1))
    .map(([name, count]) => `${name} ${count}`)
    .join(', ');
}

function entrySection(kind: 'error' | 'warning', entries: readonly ReportEntry[], total: number, limit: number): string[] {
  if (entries.length === 0) return [];
  const shown = entries.slice(0, limit);
  const word = (count: number): string => (count === 1 ? kind : `${kind}s`);
  const heading = shown.length < total ? `first ${shown.length} of ${total} ${word(total)}:` : `${total} ${word(total)}:`;
  const more = total - shown.length;
  const hint = more > 0 ? `\n… and ${more} more ${word(more)} (--json lists them all)` : '';
  return [`${heading}\n${formatEntryTable(shown)}${hint}`];
}

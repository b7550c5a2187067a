import { ApiError, fetchImport, fetchReport, fetchSchema, importPath } from './api.js';
import { element, uniqueId } from './element.js';
import { formatBytes, percentOf, plural } from './format.js';
import type { ImportState, ReportEntry } from './types.js';

export interface ImportReportOptions {
  /** Where the report goes (inside the upload's list item). */
  container: HTMLElement;
  importId: string;
  schema: string;
  /** Polling starts this often and slows down while nothing happens. */
  pollMs?: number;
  maxPollMs?: number;
  /** How many report entries the table shows. */
  reportLimit?: number;
}

export interface ImportReport {
  stop(): void;
}

/**
 * Follows an import live (GET /imports/:id: 404 until it exists, then queued, running with
 * its progress, succeeded or failed), then shows its report: what happened in one sentence,
 * the counts, errors per column, the bad rows with each offending cell marked, and a link to
 * errors.csv.
 */
export function createImportReport({
  container, importId, schema, pollMs = 400, maxPollMs = 3000, reportLimit = 100,
}: ImportReportOptions): ImportReport {
  const headingId = uniqueId('import');
  const status = element('p', { class: 'import-status', role: 'status' });
  const progress = element('progress', { class: 'import-progress', max: 100, value: 0, 'aria-labelledby': headingId, hidden: true });
  const details = element('div', { class: 'import-details' });
  const section = element('section', { class: 'import', 'aria-labelledby': headingId }, [
    element('h3', { id: headingId }, [`Import as “${schema}”`]), status, progress, details,
  ]);
  container.append(section);

  let stopped = false;
  let timer: number | undefined;
  let delay = pollMs;

  function setStatus(state: string, text: string): void {
    section.dataset.status = state;
    if (status.textContent !== text) status.textContent = text;
  }

  async function poll(): Promise<void> {
    timer = undefined;
    if (stopped) return;
    try {
      const state = await fetchImport(importId);
      if (state === undefined) {
        setStatus('waiting', 'Waiting for the import to be queued…');
      } else if (state.status === 'queued') {
        setStatus('queued', 'The import is queued…');
      } else if (state.status === 'running') {
        setStatus('running', 'Importing…');
        showProgress(state);
        delay = pollMs;
      } else {
        progress.hidden = true;
        setStatus(state.status, describeOutcome(state));
        await showReport(state);
        return;
      }
    } catch (error) {
      setStatus('unreachable', `The import status cannot be read (${(error as Error).message}); trying again…`);
    }
    if (!stopped) timer = window.setTimeout(() => void poll(), delay);
    delay = Math.min(maxPollMs, Math.round(delay * 1.5));
  }

  function showProgress({ progress: { bytesRead, bytesTotal } }: ImportState): void {
    const percent = percentOf(bytesRead, bytesTotal);
    progress.hidden = false;
    progress.value = percent;
    progress.setAttribute('aria-valuetext', `${percent}% (${formatBytes(bytesRead)} of ${formatBytes(bytesTotal)} read)`);
  }

  async function showReport(state: ImportState): Promise<void> {
    details.replaceChildren(countsList(state));
    const byColumn = Object.entries(state.summary.errorsByColumn);
    if (byColumn.length > 0) details.append(errorsPerColumn(byColumn));
    if (state.summary.errorCount + state.summary.warningCount === 0) return;
    try {
      const [page, columns] = await Promise.all([fetchReport(state.id, reportLimit), schemaColumns(state.schema)]);
      if (stopped) return;
      const errors = page.errors.filter((entry) => entry.kind === 'error');
      const warnings = page.errors.filter((entry) => entry.kind === 'warning');
      if (errors.length > 0) details.append(badRowsTable(errors, columns, page.total));
      if (warnings.length > 0) details.append(warningList(warnings));
    } catch (error) {
      details.append(element('p', { class: 'problem' }, [`The list of errors could not be loaded: ${(error as Error).message}`]));
    }
    if (state.summary.rowsFailed > 0 || state.summary.errorCount > 0) {
      details.append(element('p', {}, [
        element('a', { href: `${importPath(state.id)}/errors.csv`, download: `${state.id}-errors.csv`, class: 'errors-csv' }, [
          'Download the rejected rows (errors.csv)',
        ]),
      ]));
    }
  }

  void poll();
  return {
    stop() {
      stopped = true;
      if (timer !== undefined) window.clearTimeout(timer);
    },
  };
}

/** The schema's column names in file order; none when it cannot be read (the table then uses the error columns). */
async function schemaColumns(name: string): Promise<string[]> {
  try {
    return (await fetchSchema(name)).columns.map((column) => column.name);
  } catch (error) {
    if (error instanceof ApiError) return [];
    throw error;
  }
}

/** One sentence: what the import did with the file. */
export function describeOutcome(state: ImportState): string {
  const { summary, mode } = state;
  if (state.status === 'failed') return `The import failed: ${state.failure?.message ?? 'no reason was given.'}`;
  const stopped = summary.stoppedEarly ? ' Reading stopped early: there were too many errors.' : '';
  if (summary.rowsFailed === 0 && summary.errorCount === 0) {
    if (mode === 'validate') return `All ${plural(summary.rowsRead, 'row')} are valid (validate mode: nothing was written).`;
    return `Imported ${summary.rowsImported.toLocaleString('en')} of ${plural(summary.rowsRead, 'row')}.`;
  }
  const bad = summary.rowsFailed > 0
    ? `${plural(summary.rowsFailed, 'row')} of ${summary.rowsRead.toLocaleString('en')} ${summary.rowsFailed === 1 ? 'has' : 'have'} errors`
    : `The file has ${plural(summary.errorCount, 'error')}`;
  if (mode === 'all-or-nothing') return `${bad}, so nothing was imported (all-or-nothing).${stopped}`;
  if (mode === 'skip-bad-rows') return `${bad}: ${plural(summary.rowsImported, 'good row')} imported, the bad ones skipped.${stopped}`;
  return `${bad} (validate mode: nothing was written).${stopped}`;
}

function countsList({ summary }: ImportState): HTMLElement {
  const counts: [string, number][] = [
    ['Rows read', summary.rowsRead],
    ['Rows imported', summary.rowsImported],
    ['Rows with errors', summary.rowsFailed],
    ['Errors', summary.errorCount],
    ['Warnings', summary.warningCount],
  ];
  return element('dl', { class: 'counts' }, counts.map(([label, value]) => element('div', {}, [
    element('dt', {}, [label]), element('dd', {}, [value.toLocaleString('en')]),
  ])));
}

function errorsPerColumn(byColumn: [string, number][]): HTMLElement {
  const headingId = uniqueId('per-column');
  return element('div', { class: 'per-column' }, [
    element('h4', { id: headingId }, ['Errors per column']),
    element('ul', { 'aria-labelledby': headingId }, byColumn.map(([column, count]) => element('li', {}, [
      element('span', { class: 'column-name' }, [column]), ` ${count.toLocaleString('en')}`,
    ]))),
  ]);
}

interface BadRow {
  row: number;
  byColumn: Map<string, ReportEntry[]>;
  all: ReportEntry[];
}

/**
 * The bad rows as a table: one table row per file row, its problems in words, then one table
 * column per schema column; each offending cell holds the bad value and is marked (class
 * "bad", aria-invalid, the reason in its title).
 */
export function badRowsTable(errors: readonly ReportEntry[], schemaColumns: readonly string[], total: number): HTMLElement {
  const rows = new Map<number, BadRow>();
  const columns = [...schemaColumns];
  for (const entry of errors) {
    let badRow = rows.get(entry.row);
    if (badRow === undefined) {
      badRow = { row: entry.row, byColumn: new Map(), all: [] };
      rows.set(entry.row, badRow);
    }
    badRow.all.push(entry);
    if (entry.column === null) continue;
    if (!columns.includes(entry.column)) columns.push(entry.column);
    badRow.byColumn.set(entry.column, [...(badRow.byColumn.get(entry.column) ?? []), entry]);
  }
  const headingId = uniqueId('bad-rows');
  const shown = total > errors.length ? ` (the first ${plural(errors.length, 'error')} of ${total.toLocaleString('en')} report entries)` : '';
  const table = element('table', { class: 'bad-rows', 'aria-labelledby': headingId }, [
    element('thead', {}, [element('tr', {}, [
      element('th', { scope: 'col' }, ['Row']),
      element('th', { scope: 'col' }, ['Problems']),
      ...columns.map((column) => element('th', { scope: 'col' }, [column])),
    ])]),
    element('tbody', {}, [...rows.values()].map((badRow) => element('tr', { 'data-row': badRow.row }, [
      element('th', { scope: 'row' }, [String(badRow.row)]),
      element('td', { class: 'problems' }, [element('ul', {}, badRow.all.map((entry) => element('li', {}, [entry.message])))]),
      ...columns.map((column) => cell(column, badRow.byColumn.get(column))),
    ]))),
  ]);
  return element('div', { class: 'bad-rows-block' }, [
    element('h4', { id: headingId }, [`Rows with errors${shown}`]),
    element('p', { class: 'hint' }, ['Each marked cell holds a bad value; the problems are in words beside the row number. Wide tables scroll sideways.']),
    element('div', { class: 'table-scroll', role: 'region', 'aria-labelledby': headingId, tabindex: 0 }, [table]),
  ]);
}

function cell(column: string, entries: ReportEntry[] | undefined): HTMLElement {
  if (entries === undefined) return element('td', { 'data-column': column });
  const value = entries.find((entry) => entry.value !== null)?.value ?? '';
  return element('td', {
    class: 'bad', 'data-column': column, 'aria-invalid': 'true', title: entries.map((entry) => entry.message).join('\n'),
  }, [value === '' ? element('em', {}, ['(empty)']) : value]);
}

function warningList(warnings: readonly ReportEntry[]): HTMLElement {
  return element('details', { class: 'warnings' }, [
    element('summary', {}, [`Warnings (${warnings.length.toLocaleString('en')})`]),
    element('ul', {}, warnings.map((entry) => element('li', {}, [entry.message]))),
  ]);
}

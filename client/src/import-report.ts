import { ApiError, fetchBlob, fetchImport, fetchRejectedRows, fetchReport, fetchSchema, importPath } from './api.js';
import { element, uniqueId } from './element.js';
import { formatBytes, percentOf, plural } from './format.js';
import { readToken } from './session-token.js';
import type { ImportState, RejectedRow, RejectedRowPage, ReportEntry } from './types.js';

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
export function createImportReport({ container, importId, schema, pollMs = 400, maxPollMs = 3000, reportLimit = 100 }: ImportReportOptions): ImportReport {
  const headingId = uniqueId('import');
  const status = element('p', { class: 'import-status', role: 'status' });
  const progress = element('progress', { class: 'import-progress', max: 100, value: 0, 'aria-labelledby': headingId, hidden: true });
  const details = element('div', { class: 'import-details' });
  const section = element('section', { class: 'import', 'aria-labelledby': headingId }, [
    element('h3', { id: headingId }, [`Import as “${schema}”`]),
    status,
    progress,
    details,
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
      const [page, columns, rejected] = await Promise.all([
        fetchReport(state.id, reportLimit),
        schemaColumns(state.schema),
        state.summary.rowsFailed > 0 ? wholeRows(state.id, reportLimit) : undefined,
      ]);
      if (stopped) return;
      const errors = page.errors.filter((entry) => entry.kind === 'error');
      const warnings = page.errors.filter((entry) => entry.kind === 'warning');
      if (errors.length > 0) details.append(badRowsTable(errors, columns, page.total, rejected));
      if (warnings.length > 0) details.append(warningList(warnings));
    } catch (error) {
      details.append(element('p', { class: 'problem' }, [`The list of errors could not be loaded: ${(error as Error).message}`]));
    }
    if (state.summary.rowsFailed > 0 || state.summary.errorCount > 0) {
      details.append(element('p', {}, [errorsCsvLink(`${importPath(state.id)}/errors.csv`, `${state.id}-errors.csv`)]));
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

/**
 * The first rejected rows whole (the first `limit` report entries are about them at most), or
 * undefined when they cannot be read: the table then shows the bad cells only.
 */
async function wholeRows(importId: string, limit: number): Promise<RejectedRowPage | undefined> {
  try {
    return await fetchRejectedRows(importId, limit);
  } catch {
    return undefined;
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
  const bad =
    summary.rowsFailed > 0
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
  return element(
    'dl',
    { class: 'counts' },
    counts.map(([label, value]) => element('div', {}, [element('dt', {}, [label]), element('dd', {}, [value.toLocaleString('en')])])),
  );
}

function errorsPerColumn(byColumn: [string, number][]): HTMLElement {
  const headingId = uniqueId('per-column');
  return element('div', { class: 'per-column' }, [
    element('h4', { id: headingId }, ['Errors per column']),
    element(
      'ul',
      { 'aria-labelledby': headingId },
      byColumn.map(([column, count]) => element('li', {}, [element('span', { class: 'column-name' }, [column]), ` ${count.toLocaleString('en')}`])),
    ),
  ]);
}

interface BadRow {
  row: number;
  /** The row as the file has it, when the rejected rows could be read. */
  whole?: RejectedRow;
  /** Its errors by the index of their table column. */
  byColumn: Map<number, ReportEntry[]>;
  all: ReportEntry[];
}

interface TableColumn {
  label: string;
  /** 0-based position of the field in the file, when the table shows whole rows. */
  position?: number;
}

/** Header labels match schema columns case- and whitespace-insensitively, as on the server. */
function labelKey(label: string): string {
  return label.trim().replace(/\s+/g, ' ').toLowerCase();
}

/**
 * The table's columns and where each error goes. With whole rows: the file's own header in
 * file order (an error goes to its field's position, else to the label matching its column);
 * without: the schema's columns. An error column found in neither gets a column of its own.
 */
function tableLayout(
  errors: readonly ReportEntry[],
  schemaColumns: readonly string[],
  rejected: RejectedRowPage | undefined,
  wholeRows: readonly RejectedRow[],
) {
  const columns: TableColumn[] = [];
  const placed = new Map<ReportEntry, number>();
  if (rejected !== undefined && rejected.header.length > 0) {
    const width = Math.max(rejected.header.length, ...wholeRows.map((row) => row.fields.length), ...errors.map((entry) => entry.field ?? 0));
    for (let position = 0; position < width; position += 1) {
      columns.push({ label: rejected.header[position] ?? `Field ${position + 1}`, position });
    }
    const byLabel = new Map(rejected.header.map((label, position) => [labelKey(label), position]));
    for (const entry of errors) {
      if (entry.field !== null && entry.field >= 1) placed.set(entry, entry.field - 1);
      else if (entry.column !== null && byLabel.has(labelKey(entry.column))) placed.set(entry, byLabel.get(labelKey(entry.column))!);
    }
  } else {
    columns.push(...schemaColumns.map((label) => ({ label })));
  }
  for (const entry of errors) {
    if (entry.column === null || placed.has(entry)) continue;
    let index = columns.findIndex((column) => column.position === undefined && column.label === entry.column);
    if (index === -1) index = columns.push({ label: entry.column }) - 1;
    placed.set(entry, index);
  }
  return { columns, placed };
}

/**
 * The bad rows as a table: one table row per file row, its problems in words, then its cells.
 * With `rejected` (GET /imports/:id/rejected-rows) each row is shown whole under the file's
 * header; without it, only the offending cells. Each offending cell holds the bad value and
 * is marked (class "bad", aria-invalid, the reason in its title).
 */
export function badRowsTable(errors: readonly ReportEntry[], schemaColumns: readonly string[], total: number, rejected?: RejectedRowPage): HTMLElement {
  const whole = new Map((rejected?.rows ?? []).map((row) => [row.row, row]));
  const rows = new Map<number, BadRow>();
  for (const entry of errors) {
    let badRow = rows.get(entry.row);
    if (badRow === undefined) {
      badRow = { row: entry.row, whole: whole.get(entry.row), byColumn: new Map(), all: [] };
      rows.set(entry.row, badRow);
    }
    badRow.all.push(entry);
  }
  const wholeRows = [...rows.values()].flatMap((badRow) => (badRow.whole === undefined ? [] : [badRow.whole]));
  const { columns, placed } = tableLayout(errors, schemaColumns, rejected, wholeRows);
  for (const badRow of rows.values()) {
    for (const entry of badRow.all) {
      const index = placed.get(entry);
      if (index !== undefined) badRow.byColumn.set(index, [...(badRow.byColumn.get(index) ?? []), entry]);
    }
  }
  const headingId = uniqueId('bad-rows');
  const shown = total > errors.length ? ` (the first ${plural(errors.length, 'error')} of ${total.toLocaleString('en')} report entries)` : '';
  const table = element('table', { class: 'bad-rows', 'aria-labelledby': headingId }, [
    element('thead', {}, [
      element('tr', {}, [
        element('th', { scope: 'col' }, ['Row']),
        element('th', { scope: 'col' }, ['Problems']),
        ...columns.map((column) => element('th', { scope: 'col' }, [column.label])),
      ]),
    ]),
    element(
      'tbody',
      {},
      [...rows.values()].map((badRow) =>
        element('tr', { 'data-row': badRow.row }, [
          element('th', { scope: 'row' }, [String(badRow.row)]),
          element('td', { class: 'problems' }, [
            element(
              'ul',
              {},
              badRow.all.map((entry) => element('li', {}, [entry.message])),
            ),
          ]),
          ...columns.map((column, index) => cell(column, badRow, badRow.byColumn.get(index))),
        ]),
      ),
    ),
  ]);
  const hint =
    wholeRows.length > 0
      ? 'Each row is shown as the file has it; a marked cell holds a bad value, and the problems are in words beside the row number. Wide tables scroll sideways.'
      : 'Each marked cell holds a bad value; the problems are in words beside the row number. Wide tables scroll sideways.';
  return element('div', { class: 'bad-rows-block' }, [
    element('h4', { id: headingId }, [`Rows with errors${shown}`]),
    element('p', { class: 'hint' }, [hint]),
    element('div', { class: 'table-scroll', role: 'region', 'aria-labelledby': headingId, tabindex: 0 }, [table]),
  ]);
}

/** A cell: the file's own value when the row is known whole, else the error's value; marked when it has errors. */
function cell(column: TableColumn, badRow: BadRow, entries: ReportEntry[] | undefined): HTMLElement {
  const raw = column.position === undefined ? undefined : badRow.whole?.fields[column.position];
  if (entries === undefined) return element('td', { 'data-column': column.label }, raw === undefined ? [] : [raw]);
  const value = raw ?? entries.find((entry) => entry.value !== null)?.value ?? '';
  return element(
    'td',
    {
      class: 'bad',
      'data-column': column.label,
      'aria-invalid': 'true',
      title: entries.map((entry) => entry.message).join('\n'),
    },
    [value === '' ? element('em', {}, ['(empty)']) : value],
  );
}

function warningList(warnings: readonly ReportEntry[]): HTMLElement {
  return element('details', { class: 'warnings' }, [
    element('summary', {}, [`Warnings (${warnings.length.toLocaleString('en')})`]),
    element(
      'ul',
      {},
      warnings.map((entry) => element('li', {}, [entry.message])),
    ),
  ]);
}

/**
 * The errors.csv link. With a token, a click fetches the file with the Authorization header
 * (a plain link cannot carry it) and saves what came; without one, the link works as it is.
 */
function errorsCsvLink(href: string, fileName: string): HTMLAnchorElement {
  const link = element('a', { href, download: fileName, class: 'errors-csv' }, ['Download the rejected rows (errors.csv)']);
  link.addEventListener('click', (event) => {
    if (readToken() === undefined) return;
    event.preventDefault();
    fetchBlob(href).then(
      (blob) => {
        const objectUrl = URL.createObjectURL(blob);
        element('a', { href: objectUrl, download: fileName }).click();
        setTimeout(() => URL.revokeObjectURL(objectUrl), 0);
      },
      (error: unknown) => {
        link.after(element('span', { class: 'problem', role: 'status' }, [` ${(error as Error).message}`]));
      },
    );
  });
  return link;
}

import { setTimeout as sleep } from 'node:timers/promises';
import { importIdForUpload } from '../imports/index.js';
import type { ImportState, ReportEntry } from '../imports/types.js';
import { CommandError } from './command-failure.js';
import { EXIT_OK, EXIT_PROBLEMS, EXIT_UNAVAILABLE, EXIT_USAGE } from './exit-codes.js';
import type { ImportReport } from './report-format.js';
import { badAnswer, getJson, serverUrl } from './server-requests.js';

/** The server creates an upload's import as the upload finishes; this long without one means it never will. */
const APPEAR_TIMEOUT_MS = 30_000;
const FIRST_POLL_MS = 50;
const MAX_POLL_MS = 1000;
/** The most entries GET /imports/:id/errors gives in one page. */
const PAGE_LIMIT = 1000;

/**
 * A failed import's exit code, as `ferry import` exits for the same problem: the file's own
 * (1, like rows with errors) or the configuration's (2). Any other failure (the database, a
 * server stopped twice mid-import) is the server's: 3.
 */
const FAILURE_EXIT_CODES: Readonly<Record<string, number>> = {
  IMPORT_FILE_REJECTED: EXIT_PROBLEMS,
  IMPORT_NOT_CSV: EXIT_PROBLEMS,
  IMPORT_EMPTY_FILE: EXIT_PROBLEMS,
  IMPORT_SCHEMA_UNKNOWN: EXIT_USAGE,
  IMPORT_TABLE_MISMATCH: EXIT_USAGE,
};

/**
 * Checks, before anything is uploaded, that the server has the schema `--schema` names, and
 * returns the table its rows go to. An unknown name is a usage error (exit 2, as in
 * `ferry import`) that lists the names the server knows: the server would accept the upload
 * and only its import would fail.
 */
export async function checkServerSchema(endpoint: string, name: string, token: string | undefined): Promise<{ table: string }> {
  const url = serverUrl(endpoint, `schemas/${encodeURIComponent(name)}`);
  const { status, body } = await getJson(url, token);
  if (status === 200) return { table: (body as { table: string }).table };
  if (status !== 404) throw badAnswer(`cannot read the schema at ${url}`, status, body);
  const list = await getJson(serverUrl(endpoint, 'schemas'), token);
  const known = ((list.body as { schemas?: { name: string }[] } | undefined)?.schemas ?? []).map((schema) => schema.name);
  throw new CommandError(
    `unknown schema "${name}" on ${serverUrl(endpoint, '')} (${known.length > 0 ? `known: ${known.join(', ')}` : 'it has no schemas'})`,
    EXIT_USAGE,
  );
}

export interface ImportWaitOptions {
  endpoint: string;
  uploadId: string;
  /** The file as the user named it, for the report. */
  file: string;
  /** How many errors (and warnings) the report lists: the text table's size, or Infinity (--json). */
  entryLimit: number;
  /** Sent as `Authorization: Bearer`: the import belongs to the upload's owner. */
  token?: string;
  signal: AbortSignal;
}

export interface ImportOutcome {
  /** GET this for the import's state. */
  url: string;
  report: ImportReport;
  /** As `ferry import` exits for the same result: 0 every row good, 1 row or file errors, 2 config, 3 the database or server failed. */
  exitCode: number;
}

/**
 * Waits for an uploaded file's automatic import (`upload-<uploadId>`) to end, polling its
 * state with a growing interval (404 until the server has created it), then reads its first
 * errors and warnings.
 */
export async function waitForImport({ endpoint, uploadId, file, entryLimit, token, signal }: ImportWaitOptions): Promise<ImportOutcome> {
  const url = serverUrl(endpoint, `imports/${importIdForUpload(uploadId)}`);
  const giveUpAt = Date.now() + APPEAR_TIMEOUT_MS;
  let delay = FIRST_POLL_MS;
  let state: ImportState | undefined;
  for (;;) {
    const { status, body } = await getJson(url, token, signal);
    if (status === 200) {
      state = body as ImportState;
      if (state.status === 'succeeded' || state.status === 'failed') break;
    } else if (status !== 404) {
      throw badAnswer(`cannot follow the import at ${url}`, status, body);
    } else if (Date.now() > giveUpAt) {
      throw new CommandError(`the server started no import for the upload within ${APPEAR_TIMEOUT_MS / 1000} s (${url} is not found)`, EXIT_UNAVAILABLE);
    }
    await sleep(delay, undefined, { signal });
    delay = Math.min(MAX_POLL_MS, delay * 2);
  }
  const [errors, warnings] = await Promise.all([
    readEntries(url, 'error', Math.min(entryLimit, state.summary.errorCount), token, signal),
    readEntries(url, 'warning', Math.min(entryLimit, state.summary.warningCount), token, signal),
  ]);
  const report: ImportReport = { file, schema: state.schema, mode: state.mode, summary: state.summary, errors, warnings };
  if (state.failure !== undefined) report.failure = state.failure;
  return { url, report, exitCode: exitCodeOf(state) };
}

/** The first `count` entries of one kind, a page at a time. */
async function readEntries(
  importUrl: string,
  kind: 'error' | 'warning',
  count: number,
  token: string | undefined,
  signal: AbortSignal,
): Promise<ReportEntry[]> {
  const entries: ReportEntry[] = [];
  while (entries.length < count) {
    const limit = Math.min(PAGE_LIMIT, count - entries.length);
    const url = `${importUrl}/errors?kind=${kind}&offset=${entries.length}&limit=${limit}`;
    const { status, body } = await getJson(url, token, signal);
    if (status !== 200) throw badAnswer(`cannot read the import's ${kind}s at ${url}`, status, body);
    const page = (body as { errors: (ReportEntry & { kind?: string })[] }).errors;
    // `kind` says which list an entry is in; the report keeps the lists apart, as ferry import's does.
    entries.push(...page.map(({ kind: _kind, ...entry }) => entry));
    if (page.length < limit) break;
  }
  return entries;
}

function exitCodeOf({ status, summary, failure }: ImportState): number {
  if (status === 'succeeded') return summary.errorCount > 0 || summary.rejected ? EXIT_PROBLEMS : EXIT_OK;
  return FAILURE_EXIT_CODES[failure?.code ?? ''] ?? EXIT_UNAVAILABLE;
}

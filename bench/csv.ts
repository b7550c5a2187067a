import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCommandLine } from './arg-parsers.js';
import { CASE_LABELS, type CaseKey, type CaseResult, USES_POSTGRES, type WorkerCaseKey, type WorkerReport } from './csv/cases.js';
import { killAllChildrenNow, runChild } from './csv/child-run.js';
import { benchSchema, writeBenchCsv } from './csv/data.js';
import { type CsvBenchOptions, parseOptions, USAGE } from './csv/options.js';
import { checkpoint, connectPostgres, copyCommand, countRows, createTableLikeFerry, dropTables, type Postgres, psqlArgs, psqlEnv } from './csv/postgres.js';
import { renderJson, renderMarkdown } from './csv/report.js';
import { countSqliteRows } from './csv/sqlite.js';

/**
 * The CSV import benchmark: one generated file, each case in its own child process
 * (csv-parse alone, ferry's validate mode, ferry into SQLite and PostgreSQL, psql's
 * \copy). Progress goes to stderr, the Markdown report to stdout. See bench/README.md.
 */

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const WORKER = join('bench', 'csv', 'worker.ts');
const CASE_TIMEOUT_MS = 10 * 60_000;

/** What a run leaves behind until cleanUp: the temp dir and, once connected, the tables. */
interface Run {
  dir: string;
  table: string;
  copyTable: string;
  postgres: Postgres | undefined;
}

function progress(text: string): void {
  process.stderr.write(`${text}\n`);
}

function fail(message: string): never {
  throw new Error(message);
}

async function runWorker(run: Run, key: WorkerCaseKey, file: string, rows: number): Promise<WorkerReport> {
  const args = ['--import', 'tsx', WORKER, '--case', key, '--file', file, '--rows', String(rows), '--table', run.table];
  if (key === 'sqlite') args.push('--sqlite-file', join(run.dir, 'imports.sqlite'));
  if (key === 'postgres') args.push('--database-url', run.postgres?.url ?? fail('no PostgreSQL connection'));
  const outcome = await runChild(CASE_LABELS[key], process.execPath, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, NODE_ENV: 'production' },
    timeoutMs: CASE_TIMEOUT_MS,
  });
  const last = outcome.stdout.trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(last) as WorkerReport;
  } catch {
    throw new Error(`${CASE_LABELS[key]}: no report on stdout (got "${last.slice(0, 200)}")`);
  }
}

async function runPsqlCopy(postgres: Postgres, run: Run, file: string, rows: number): Promise<WorkerReport> {
  await createTableLikeFerry(postgres, benchSchema(run.copyTable));
  checkpoint(postgres);
  const outcome = await runChild('psql \\copy', 'psql', psqlArgs(postgres.user, copyCommand(run.copyTable, file)), {
    cwd: REPO_ROOT,
    env: psqlEnv(),
    timeoutMs: CASE_TIMEOUT_MS,
  });
  const copied = /^COPY (\d+)$/m.exec(outcome.stdout);
  if (copied === null || Number(copied[1]) !== rows) throw new Error(`psql \\copy: expected "COPY ${rows}", got "${outcome.stdout.trim()}"`);
  return { rows, seconds: outcome.seconds, cpuSeconds: null, rssStartMiB: null, rssPeakMiB: outcome.rss.peakMiB };
}

/** Runs one case and checks, outside the timed work, that the rows are where they should be. */
async function runCase(run: Run, key: CaseKey, file: string, rows: number): Promise<WorkerReport> {
  if (key === 'psql') return runPsqlCopy(run.postgres ?? fail('no PostgreSQL connection'), run, file, rows);
  if (key === 'postgres' && run.postgres !== undefined) checkpoint(run.postgres);
  const report = await runWorker(run, key, file, rows);
  const stored =
    key === 'sqlite'
      ? countSqliteRows(join(run.dir, 'imports.sqlite'), run.table)
      : key === 'postgres' && run.postgres !== undefined
        ? countRows(run.postgres, run.table)
        : rows;
  if (stored !== rows) throw new Error(`${CASE_LABELS[key]}: the table holds ${stored} rows, expected ${rows}`);
  return report;
}

async function bench(options: CsvBenchOptions, run: Run): Promise<void> {
  const loadBefore = loadavg()[0];
  if (options.cases.some((key) => USES_POSTGRES.includes(key))) {
    run.postgres = connectPostgres();
    progress(`PostgreSQL: connected as ${run.postgres.user}`);
  }
  const file = join(run.dir, 'data.csv');
  progress(`generating ${options.rows} rows…`);
  const generateStarted = performance.now();
  const bytes = writeBenchCsv(file, benchSchema(run.table), options.rows);
  const generateSeconds = (performance.now() - generateStarted) / 1000;
  progress(`  ${(bytes / 1e6).toFixed(1)} MB in ${generateSeconds.toFixed(1)} s`);
  const cases: CaseResult[] = [];
  for (const key of options.cases) {
    progress(`${CASE_LABELS[key]}…`);
    const report = await runCase(run, key, file, options.rows);
    cases.push({ key, bytes, ...report });
    progress(`  ${report.seconds.toFixed(2)} s, ${Math.round(report.rows / report.seconds)} rows/s, RSS peak ${report.rssPeakMiB.toFixed(0)} MiB`);
  }
  const results = { rows: options.rows, bytes, table: run.table, loadBefore, generateSeconds, cases };
  process.stdout.write(renderMarkdown(results));
  if (options.jsonPath !== undefined) writeFileSync(options.jsonPath, renderJson(results));
}

/** Synchronous, so a signal or an exit can run it: children killed, tables dropped, temp dir removed. */
function cleanUp(run: Run): void {
  killAllChildrenNow();
  if (run.postgres !== undefined) {
    const problem = dropTables(run.postgres, [run.table, run.copyTable]);
    if (problem !== undefined) progress(`bench: ${problem}`);
    run.postgres = undefined;
  }
  rmSync(run.dir, { recursive: true, force: true });
}

async function main(): Promise<number> {
  const options = readCommandLine(parseOptions, USAGE);
  if (typeof options === 'number') return options;
  const table = `bench_csv_${randomBytes(4).toString('hex')}`;
  const run: Run = { dir: mkdtempSync(join(tmpdir(), 'ferry-bench-csv-')), table, copyTable: `${table}_psql`, postgres: undefined };
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    process.once(signal, () => {
      progress(`bench: ${signal}, cleaning up`);
      cleanUp(run);
      process.exit(code);
    });
  }
  try {
    await bench(options, run);
    return 0;
  } finally {
    cleanUp(run);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    progress(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);

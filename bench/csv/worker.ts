import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CASE_KEYS, type WorkerCaseKey, type WorkerReport } from './cases.js';
import type { PreparedCase } from './import-file.js';

/**
 * One case in its own process, so its peak RSS is its own: `node --import tsx
 * bench/csv/worker.ts --case K --file F --rows N --table T [--sqlite-file P] [--database-url U]`.
 * Loads only what its case needs (csv-parse alone for the references), times the work,
 * prints one JSON line (WorkerReport) on stdout; exits 1 with a message on stderr when
 * the case fails or reads a different number of rows. Exits when stdin closes.
 */

interface WorkerArgs {
  key: WorkerCaseKey;
  file: string;
  rows: number;
  table: string;
  sqliteFile: string | undefined;
  databaseUrl: string | undefined;
}

function parseWorkerArgs(argv: readonly string[]): WorkerArgs {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      case: { type: 'string' },
      file: { type: 'string' },
      rows: { type: 'string' },
      table: { type: 'string' },
      'sqlite-file': { type: 'string' },
      'database-url': { type: 'string' },
    },
  });
  const key = CASE_KEYS.find((name) => name === values.case);
  if (key === undefined || key === 'psql') throw new Error(`--case must be a node case, got "${values.case}"`);
  if (values.file === undefined || values.rows === undefined || values.table === undefined) throw new Error('--file, --rows and --table are required');
  return { key, file: values.file, rows: Number(values.rows), table: values.table, sqliteFile: values['sqlite-file'], databaseUrl: values['database-url'] };
}

function statusMiB(field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
  if (match === null) throw new Error(`/proc/self/status has no ${field}`);
  return Number(match[1]) / 1024;
}

async function prepare(args: WorkerArgs): Promise<PreparedCase> {
  const { key } = args;
  if (key === 'csv-parse' || key === 'csv-parse-info') {
    const { parseRaw } = await import('./parse-raw.js');
    return { run: () => parseRaw(args.file, key === 'csv-parse-info'), close: async () => undefined };
  }
  const { prepareImport } = await import('./import-file.js');
  return prepareImport({ ...args, key });
}

async function main(): Promise<void> {
  const args = parseWorkerArgs(process.argv.slice(2));
  process.stdin.on('end', () => {
    process.stderr.write('worker: stdin closed (the bench went away), stopping\n');
    process.exit(1);
  });
  process.stdin.resume();
  const prepared = await prepare(args);
  try {
    const rssStartMiB = statusMiB('VmRSS');
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const rows = await prepared.run();
    const cpu = process.cpuUsage(cpuBefore);
    const seconds = (performance.now() - started) / 1000;
    if (rows !== args.rows) throw new Error(`read ${rows} rows, expected ${args.rows}`);
    const report: WorkerReport = { rows, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, rssStartMiB, rssPeakMiB: statusMiB('VmHWM') };
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } finally {
    await prepared.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);

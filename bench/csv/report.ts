import { cpus } from 'node:os';
import { num, type Target, targetJson, targetRow } from '../targets.js';
import { CASE_LABELS, type CaseKey, type CaseResult } from './cases.js';
import { DATA_DESCRIPTION } from './data.js';
import { DEFAULT_ROWS } from './options.js';

const MB = 1_000_000;

export interface CsvBenchResults {
  rows: number;
  bytes: number;
  table: string;
  /** 1-minute load average before anything ran. */
  loadBefore: number;
  generateSeconds: number;
  cases: readonly CaseResult[];
}

const rowsPerSecond = (result: CaseResult): number => result.rows / result.seconds;
const mbPerSecond = (result: CaseResult): number => result.bytes / MB / result.seconds;

/** Each compared case against its reference (rows/s; on the same file MB/s gives the same ratio). */
const REFERENCES: Partial<Record<CaseKey, CaseKey>> = {
  validate: 'csv-parse',
  'csv-parse-info': 'csv-parse',
  postgres: 'psql',
};

const REFERENCE_NAMES: Partial<Record<CaseKey, string>> = { 'csv-parse': 'csv-parse arrays', psql: 'psql `\\copy`' };

function find(results: CsvBenchResults, key: CaseKey): CaseResult | undefined {
  return results.cases.find((result) => result.key === key);
}

function ratio(results: CsvBenchResults, key: CaseKey): number | undefined {
  const reference = REFERENCES[key];
  const measured = find(results, key);
  const base = reference === undefined ? undefined : find(results, reference);
  return measured === undefined || base === undefined ? undefined : rowsPerSecond(measured) / rowsPerSecond(base);
}

function targets(results: CsvBenchResults): Target[] {
  const peak = results.cases.length === 0 ? undefined : Math.max(...results.cases.map((result) => result.rssPeakMiB));
  return [
    { name: 'ferry validate ÷ csv-parse arrays (rows/s)', value: ratio(results, 'validate'), unit: '×', goal: '≥ 0.70×', met: (v) => v >= 0.7 },
    { name: 'ferry → PostgreSQL ÷ psql `\\copy` (rows/s)', value: ratio(results, 'postgres'), unit: '×', goal: '≥ 0.50×', met: (v) => v >= 0.5 },
    { name: 'peak RSS, highest of the cases run', value: peak, unit: 'MiB', goal: '< 200 MiB', met: (v) => v < 200 },
  ];
}

function comparison(results: CsvBenchResults, key: CaseKey): string {
  const reference = REFERENCES[key];
  const value = ratio(results, key);
  if (reference === undefined) return '';
  return value === undefined ? 'n/a' : `${value.toFixed(2)}× ${REFERENCE_NAMES[reference] ?? reference}`;
}

function cpuCell(result: CaseResult): string {
  return result.cpuSeconds === null ? '' : `${num(result.cpuSeconds)} (${Math.round((100 * result.cpuSeconds) / result.seconds)}%)`;
}

export function renderMarkdown(results: CsvBenchResults): string {
  const cpu = cpus();
  const lines = [
    '## ferry CSV import benchmark',
    '',
    `${new Date().toISOString()} · Node ${process.version} · ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'} · loopback`,
    `1-minute load average before the run: ${results.loadBefore.toFixed(2)} (about 0 when idle).`,
    `File: ${results.rows} rows × ${DATA_DESCRIPTION}, ${num(results.bytes / MB)} MB (MB = 10^6 bytes), generated in ${num(results.generateSeconds)} s; tables \`${results.table}\`(\`_psql\`).`,
    'Every case is its own process, run once, one after another, reading the same file from the page cache.',
    'Time: first byte read to last row committed (psql: process start to exit). CPU: the worker process over that time (100% = one core; the database server is not counted).',
    'RSS: at the start of the work → peak (VmHWM; psql: sampled every 50 ms).',
    '',
    '| case | MB/s | rows/s | time s | CPU s | RSS MiB | ratio |',
    '|---|---:|---:|---:|---:|---:|---|',
  ];
  for (const result of results.cases) {
    lines.push(
      `| ${CASE_LABELS[result.key]} | ${num(mbPerSecond(result))} | ${Math.round(rowsPerSecond(result))} | ${num(result.seconds)} | ${cpuCell(result)} | ${result.rssStartMiB === null ? '' : `${num(result.rssStartMiB)} → `}${num(result.rssPeakMiB)} | ${comparison(results, result.key)} |`,
    );
  }
  lines.push('', '| target | measured | goal | verdict |', '|---|---:|---|---|');
  for (const target of targets(results)) lines.push(targetRow(target, 'case not run'));
  if (results.rows !== DEFAULT_ROWS) lines.push('', `Note: the targets are set for ${DEFAULT_ROWS} rows; this run used ${results.rows}.`);
  return `${lines.join('\n')}\n`;
}

export function renderJson(results: CsvBenchResults): string {
  return `${JSON.stringify(
    {
      generatedAt: new Date().toISOString(),
      node: process.version,
      cpus: cpus().length,
      ...results,
      cases: results.cases.map((result) => ({
        ...result,
        mbPerSecond: mbPerSecond(result),
        rowsPerSecond: rowsPerSecond(result),
        ratio: ratio(results, result.key) ?? null,
      })),
      targets: targets(results).map(targetJson),
    },
    null,
    2,
  )}\n`;
}

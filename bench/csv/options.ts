import { parseArgs } from 'node:util';
import { CASE_KEYS, type CaseKey } from './cases.js';

export interface CsvBenchOptions {
  rows: number;
  cases: readonly CaseKey[];
  jsonPath: string | undefined;
}

export const DEFAULT_ROWS = 1_000_000;

export const USAGE = `usage: npm run bench:csv -- [flags]

  --rows N            data rows in the generated file (default ${DEFAULT_ROWS}, about 100 MB)
  --only a,b          cases to run: ${CASE_KEYS.join(', ')} (default all)
  --json PATH         also write the results as JSON to PATH
  --help              print this help
`;

function parsePositiveInteger(flag: string, text: string): number {
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text)) || Number(text) < 1) {
    throw new Error(`${flag} needs a positive integer, got "${text}"`);
  }
  return Number(text);
}

function parseCases(text: string): CaseKey[] {
  const names = text.split(',').map((name) => name.trim()).filter((name) => name !== '');
  const unknown = names.filter((name) => !(CASE_KEYS as readonly string[]).includes(name));
  if (unknown.length > 0 || names.length === 0) {
    throw new Error(`--only takes a comma-separated list of ${CASE_KEYS.join(', ')}; got "${text}"`);
  }
  return CASE_KEYS.filter((key) => names.includes(key));
}

/** Parses the command line; returns undefined when --help was asked for. Throws on bad input. */
export function parseOptions(argv: readonly string[]): CsvBenchOptions | undefined {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      rows: { type: 'string', default: String(DEFAULT_ROWS) },
      only: { type: 'string', default: CASE_KEYS.join(',') },
      json: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return undefined;
  return { rows: parsePositiveInteger('--rows', values.rows), cases: parseCases(values.only), jsonPath: values.json };
}

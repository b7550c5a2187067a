import { parseArgs } from 'node:util';
import { parseNameList, parsePositiveInteger } from '../arg-parsers.js';
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
  return { rows: parsePositiveInteger('--rows', values.rows), cases: parseNameList('--only', values.only, CASE_KEYS), jsonPath: values.json };
}

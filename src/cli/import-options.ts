import { parseChoice, parseInteger } from '../config/parsers.js';
import type { Config } from '../config/settings.js';
import type { ImportMode } from '../imports/types.js';
import { type FlagSpec, parseCommandArgs, readValue, usageError } from './command-args.js';
import { readCommandSettings, settingFlags } from './command-settings.js';

const IMPORT_SETTINGS = ['dataDir', 'databaseUrl', 'schemasDir'] as const;
/** Every import mode, for `--mode` (ferry import and ferry upload). */
export const IMPORT_MODES = ['all-or-nothing', 'skip-bad-rows', 'validate'] as const satisfies readonly ImportMode[];

const IMPORT_FLAGS: FlagSpec = {
  '--schema': 'value',
  '--mode': 'value',
  '--max-errors': 'value',
  '--json': 'switch',
  ...settingFlags(IMPORT_SETTINGS),
};

/** `ferry import` as the user asked for it, checked; every problem is reported at once. */
export interface ImportCommandOptions {
  file: string;
  /** A schema name, or a path (ends in .json or contains a /). */
  schema: string;
  mode: ImportMode;
  maxErrors: number;
  json: boolean;
  dataDir: string;
  databaseUrl: string;
  schemasDir: string;
}

export function readImportOptions(args: readonly string[], env: NodeJS.ProcessEnv): ImportCommandOptions {
  const { positionals, values, switches } = parseCommandArgs(args, IMPORT_FLAGS);
  const problems: string[] = [];
  if (positionals.length === 0) problems.push('missing the CSV file to import');
  if (positionals.length > 1) problems.push(`one file at a time (got ${positionals.length})`);
  const schema = values.get('--schema');
  if (schema === undefined || schema === '') problems.push('missing --schema <name|path>');
  const mode = readValue(values.get('--mode') ?? 'all-or-nothing', '--mode', parseChoice(IMPORT_MODES), problems);
  const maxErrors = readValue(values.get('--max-errors') ?? '1000', '--max-errors', parseInteger(1), problems);
  let settings: Pick<Config, (typeof IMPORT_SETTINGS)[number]> | undefined;
  try {
    settings = readCommandSettings(IMPORT_SETTINGS, values, env);
  } catch (error) {
    problems.push((error as Error).message);
  }
  if (problems.length > 0 || schema === undefined || mode === undefined || maxErrors === undefined || settings === undefined) {
    throw usageError(problems.join('; '));
  }
  return { file: positionals[0], schema, mode, maxErrors, json: switches.has('--json'), ...settings };
}

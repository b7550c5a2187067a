import fs from 'node:fs';
import type { ConfigProblem } from './load-config.js';
import type { Config } from './settings.js';

type ClusterSettings = Pick<Config, 'redisUrl' | 'databaseUrl' | 'dataDir'>;

/**
 * The problems of cluster mode (FERRY_REDIS_URL set) taken with the other settings: the
 * import database must be shared, so PostgreSQL (FERRY_DATABASE_URL), never the SQLite file,
 * which a shared filesystem corrupts; and the data dir, which every instance writes, must be
 * creatable and writable here (it is created when missing). `unparsed`: the settings that have
 * a problem of their own.
 */
export function clusterSettingProblems(settings: Partial<ClusterSettings>, unparsed: ReadonlySet<string>): ConfigProblem[] {
  if (unparsed.has('redisUrl') || (settings.redisUrl ?? '') === '') return [];
  const problems: ConfigProblem[] = [];
  if (!unparsed.has('databaseUrl') && (settings.databaseUrl ?? '') === '') {
    problems.push(problem('--database-url / FERRY_DATABASE_URL', 'cluster mode needs FERRY_DATABASE_URL (PostgreSQL): SQLite on a shared filesystem corrupts'));
  }
  const unwritable = writeProblemOf(settings.dataDir ?? '');
  if (unwritable !== undefined) problems.push(problem('--data-dir / FERRY_DATA_DIR', `cluster mode needs a writable data dir: ${unwritable}`));
  return problems;
}

/** Why `directory` cannot be created or written (the error's code, never a stack), or undefined when it can. */
function writeProblemOf(directory: string): string | undefined {
  try {
    fs.mkdirSync(directory, { recursive: true });
    fs.accessSync(directory, fs.constants.W_OK);
    return undefined;
  } catch (error) {
    return `${directory} cannot be created or written (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
  }
}

function problem(setting: string, message: string): ConfigProblem {
  return { setting, source: 'the settings together', message };
}

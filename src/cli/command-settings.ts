import { readSetting } from '../config/load-config.js';
import { type Config, SETTINGS, type SettingName } from '../config/settings.js';
import { usageError } from './command-args.js';

/**
 * The few settings an offline command needs, read like `loadConfig` reads them (flag, then
 * `FERRY_*` environment variable, then default) and validated by the same parsers, without
 * checking the server's settings the command never uses. Every problem is reported at once.
 */
export function readCommandSettings<N extends SettingName>(names: readonly N[], flags: ReadonlyMap<string, string>, env: NodeJS.ProcessEnv): Pick<Config, N> {
  const values: Partial<Record<SettingName, unknown>> = {};
  const problems: string[] = [];
  for (const name of names) {
    const read = readSetting(name, flags, env);
    if ('problem' in read) problems.push(`${read.problem.setting} (from ${read.problem.source}): ${read.problem.message}`);
    else values[name] = read.value;
  }
  if (problems.length > 0) throw usageError(problems.join('; '));
  return values as Pick<Config, N>;
}

/** The command-line flags of `names`, for a command's flag spec. */
export function settingFlags(names: readonly SettingName[]): Record<string, 'value'> {
  return Object.fromEntries(names.map((name) => [SETTINGS[name].flag, 'value' as const]));
}

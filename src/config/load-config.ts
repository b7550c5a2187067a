import { appError } from '../errors/catalogue.js';
import { authSettingProblems } from './auth-checks.js';
import { clusterSettingProblems } from './cluster-checks.js';
import { type Config, SETTINGS, type SettingName } from './settings.js';

export interface ConfigProblem {
  setting: string;
  source: string;
  message: string;
}

const SETTING_NAMES = Object.keys(SETTINGS) as SettingName[];

/**
 * Reads every setting from flags (`--name value` or `--name=value`), then the
 * environment, then the default; validates all of them and reports every problem at
 * once (error code CONFIG_INVALID, `details.problems`), those of settings taken together (the
 * authentication ones, cluster mode's) included. The result is frozen.
 */
export function loadConfig(argv: readonly string[], env: NodeJS.ProcessEnv): Config {
  const problems: ConfigProblem[] = [];
  const flags = readFlags(argv, problems);
  const values: Record<string, unknown> = {};
  const unparsed = new Set<string>();
  for (const name of SETTING_NAMES) {
    const read = readSetting(name, flags, env);
    if ('problem' in read) {
      problems.push(read.problem);
      unparsed.add(name);
    } else values[name] = read.value;
  }
  problems.push(...authSettingProblems(values, unparsed), ...clusterSettingProblems(values, unparsed));
  if (problems.length > 0) {
    const lines = problems.map((p) => `${p.setting} (from ${p.source}): ${p.message}`);
    throw appError('CONFIG_INVALID', { message: `invalid configuration:\n  ${lines.join('\n  ')}`, details: { problems } });
  }
  return Object.freeze(values as Config);
}

/** One setting: its flag, else its `FERRY_*` environment variable, else its default; parsed. */
export function readSetting(name: SettingName, flags: ReadonlyMap<string, string>, env: NodeJS.ProcessEnv): { value: unknown } | { problem: ConfigProblem } {
  const setting = SETTINGS[name];
  const fromFlag = flags.get(setting.flag);
  const fromEnv = env[setting.env];
  const [raw, source] = fromFlag !== undefined ? [fromFlag, setting.flag] : fromEnv !== undefined ? [fromEnv, setting.env] : [setting.default, 'default'];
  try {
    return { value: setting.parse(raw) };
  } catch (error) {
    return { problem: { setting: `${setting.flag} / ${setting.env}`, source, message: (error as Error).message } };
  }
}

function readFlags(argv: readonly string[], problems: ConfigProblem[]): Map<string, string> {
  const known = new Set(SETTING_NAMES.map((name) => SETTINGS[name].flag));
  const flags = new Map<string, string>();
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index];
    const [flag, inlineValue] = argument.includes('=') ? splitOnce(argument, '=') : [argument, undefined];
    if (!known.has(flag)) {
      problems.push({ setting: argument, source: 'command line', message: 'unknown flag (see --help)' });
      continue;
    }
    const value = inlineValue ?? argv[index + 1];
    if (value === undefined || (inlineValue === undefined && value.startsWith('--'))) {
      problems.push({ setting: flag, source: 'command line', message: 'needs a value' });
      continue;
    }
    if (inlineValue === undefined) index += 1;
    flags.set(flag, value);
  }
  return flags;
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  return [text.slice(0, at), text.slice(at + 1)];
}

/** The settings table as text, for `ferry --help` and the README. */
export function formatSettingsTable(): string {
  const rows = SETTING_NAMES.map((name) => {
    const s = SETTINGS[name];
    return `  ${s.flag.padEnd(22)} ${s.env.padEnd(26)} ${(s.default === '' ? '(empty)' : s.default).padEnd(11)} ${s.doc}`;
  });
  return [`  ${'flag'.padEnd(22)} ${'environment'.padEnd(26)} ${'default'.padEnd(11)} meaning`, ...rows].join('\n');
}

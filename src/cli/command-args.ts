import { appError } from '../errors/catalogue.js';

/** Each flag a command accepts: `value` takes an argument (`--flag v` or `--flag=v`), `switch` takes none. */
export type FlagSpec = Readonly<Record<string, 'value' | 'switch'>>;

export interface CommandArgs {
  positionals: string[];
  values: Map<string, string>;
  switches: Set<string>;
}

/**
 * Splits a command's arguments into positionals, flag values and switches. Every problem
 * (unknown flag, missing value, repeated flag) is reported at once in one CONFIG_INVALID
 * whose message is a single line. `--` ends the flags.
 */
export function parseCommandArgs(args: readonly string[], spec: FlagSpec): CommandArgs {
  const parsed: CommandArgs = { positionals: [], values: new Map(), switches: new Set() };
  const problems: string[] = [];
  for (let index = 0; index < args.length; index += 1) {
    const argument = args[index];
    if (argument === '--') {
      parsed.positionals.push(...args.slice(index + 1));
      break;
    }
    if (!argument.startsWith('-') || argument === '-') {
      parsed.positionals.push(argument);
      continue;
    }
    const at = argument.indexOf('=');
    const flag = at < 0 ? argument : argument.slice(0, at);
    const kind = spec[flag];
    if (kind === undefined) {
      problems.push(`unknown flag ${flag}`);
    } else if (kind === 'switch') {
      if (at >= 0) problems.push(`${flag} takes no value`);
      parsed.switches.add(flag);
    } else {
      const value = at >= 0 ? argument.slice(at + 1) : args[index + 1];
      if (value === undefined || (at < 0 && value.startsWith('--'))) {
        problems.push(`${flag} needs a value`);
        continue;
      }
      if (at < 0) index += 1;
      if (parsed.values.has(flag)) problems.push(`${flag} is given twice`);
      parsed.values.set(flag, value);
    }
  }
  if (problems.length > 0) throw usageError(problems.join('; '));
  return parsed;
}

/** A usage error: CONFIG_INVALID with a one-line message. */
export function usageError(message: string): Error {
  return appError('CONFIG_INVALID', { message });
}

/** A flag's value parsed, or undefined with `flag: problem` added to `problems`, so every problem is reported at once. */
export function readValue<T>(raw: string, flag: string, parse: (raw: string) => T, problems: string[]): T | undefined {
  try {
    return parse(raw);
  } catch (error) {
    problems.push(`${flag}: ${(error as Error).message}`);
    return undefined;
  }
}

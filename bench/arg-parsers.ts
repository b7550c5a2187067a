/** Flag value parsers shared by the benchmarks' command lines. */
export function parsePositiveInteger(flag: string, text: string): number {
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text)) || Number(text) < 1) {
    throw new Error(`${flag} needs a positive integer, got "${text}"`);
  }
  return Number(text);
}

/** A comma-separated subset of `allowed`, returned in `allowed`'s order. */
export function parseNameList<T extends string>(flag: string, text: string, allowed: readonly T[]): T[] {
  const names = text
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const unknown = names.filter((name) => !(allowed as readonly string[]).includes(name));
  if (unknown.length > 0 || names.length === 0) {
    throw new Error(`${flag} takes a comma-separated list of ${allowed.join(', ')}; got "${text}"`);
  }
  return allowed.filter((name) => names.includes(name));
}

/**
 * A benchmark's options from its command line, or the exit code to end with: 0 after
 * printing the usage for --help, 2 after a bad flag (with the usage on stderr).
 */
export function readCommandLine<T>(parse: (argv: readonly string[]) => T | undefined, usage: string): T | number {
  let options: T | undefined;
  try {
    options = parse(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`bench: ${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  if (options === undefined) {
    process.stdout.write(usage);
    return 0;
  }
  return options;
}

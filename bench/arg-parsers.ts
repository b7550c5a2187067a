/** Flag value parsers shared by the benchmarks' command lines. */
export function parsePositiveInteger(flag: string, text: string): number {
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text)) || Number(text) < 1) {
    throw new Error(`${flag} needs a positive integer, got "${text}"`);
  }
  return Number(text);
}

/** A comma-separated subset of `allowed`, returned in `allowed`'s order. */
export function parseNameList<T extends string>(flag: string, text: string, allowed: readonly T[]): T[] {
  const names = text.split(',').map((name) => name.trim()).filter((name) => name !== '');
  const unknown = names.filter((name) => !(allowed as readonly string[]).includes(name));
  if (unknown.length > 0 || names.length === 0) {
    throw new Error(`${flag} takes a comma-separated list of ${allowed.join(', ')}; got "${text}"`);
  }
  return allowed.filter((name) => names.includes(name));
}

import type { SchemaProblem } from './schema-problem.js';

/**
 * Small checks over untrusted definition values (JSON, or JavaScript callers that
 * bypass the types). Each pushes a problem and answers whether the value is good.
 */
export type Problems = SchemaProblem[];

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function keyPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  return base === '' ? key : `${base}.${key}`;
}

/** Keys the definition does not know; `parse` and `format` are named as TypeScript-only. */
export function checkKnownKeys(input: Record<string, unknown>, known: readonly string[], path: string, problems: Problems): void {
  for (const key of Object.keys(input)) {
    if (known.includes(key)) continue;
    const typeScriptOnly = key === 'parse' || key === 'format';
    problems.push({ path: keyPath(path, key), message: typeScriptOnly ? 'unknown key (parse and format exist only in the TypeScript API)' : 'unknown key' });
  }
}

export function checkString(value: unknown, path: string, problems: Problems): value is string {
  if (typeof value === 'string' && value.trim() !== '') return true;
  problems.push({ path, message: typeof value === 'string' ? 'must not be empty' : 'must be a string' });
  return false;
}

export function checkBoolean(value: unknown, path: string, problems: Problems): value is boolean {
  if (typeof value === 'boolean') return true;
  problems.push({ path, message: 'must be true or false' });
  return false;
}

export function checkInteger(value: unknown, minimum: number, path: string, problems: Problems): value is number {
  if (Number.isSafeInteger(value) && (value as number) >= minimum) return true;
  problems.push({ path, message: `must be a whole number of at least ${minimum}` });
  return false;
}

export function checkOneOf<T extends string>(value: unknown, allowed: readonly T[], path: string, problems: Problems): value is T {
  if (allowed.includes(value as T)) return true;
  problems.push({ path, message: `must be one of ${allowed.map((item) => JSON.stringify(item)).join(', ')}` });
  return false;
}

export interface StringListOptions {
  nonEmpty?: boolean;
  unique?: boolean;
}

/** An array of strings; with `unique`, a repeated item is a problem at its own index. */
export function checkStringList(
  value: unknown,
  path: string,
  problems: Problems,
  { nonEmpty = false, unique = false }: StringListOptions = {},
): value is string[] {
  if (!Array.isArray(value)) {
    problems.push({ path, message: 'must be a list of strings' });
    return false;
  }
  if (nonEmpty && value.length === 0) {
    problems.push({ path, message: 'must not be empty' });
    return false;
  }
  const before = problems.length;
  value.forEach((item, index) => {
    if (typeof item !== 'string') problems.push({ path: keyPath(path, index), message: 'must be a string' });
    else if (unique && value.indexOf(item) !== index) problems.push({ path: keyPath(path, index), message: `"${item}" is listed twice` });
  });
  return problems.length === before;
}

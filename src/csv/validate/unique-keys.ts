import type { CellValue } from '../types.js';

/**
 * A value as a comparable string: `5` and `5n` are one key, `"5"` another, a Date is its
 * instant. Strings compare exactly (case matters).
 */
export function canonicalKey(value: Exclude<CellValue, null>): string {
  if (typeof value === 'string') return `s:${value}`;
  if (typeof value === 'number' || typeof value === 'bigint') return `n:${value.toString()}`;
  if (typeof value === 'boolean') return `b:${String(value)}`;
  return `d:${value.getTime()}`;
}

/**
 * The rows where each key was first seen. Memory grows with the number of distinct
 * values (one map entry per key, for the whole import), which is the price of finding
 * repeats in one pass over a stream.
 */
export interface SeenKeys {
  firstRow(key: string): number | undefined;
  remember(key: string, row: number): void;
}

export function createSeenKeys(): SeenKeys {
  const rows = new Map<string, number>();
  return {
    firstRow: (key) => rows.get(key),
    remember: (key, row) => {
      if (!rows.has(key)) rows.set(key, row);
    },
  };
}

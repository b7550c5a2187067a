import type { Column } from '../types.js';
import type { CellResult } from './cell-result.js';
import { requiredProblem } from './constraints.js';

/**
 * One raw cell through its column: a missing value (exact match of one of the column's
 * missingValues) is null, or a `required` constraint-error; anything else is decoded.
 */
export function readCell(column: Column, raw: string): CellResult {
  if (column.missingValues.includes(raw)) return column.required === true ? requiredProblem() : { value: null };
  return column.decode(raw);
}

import type { CellValue } from '../types.js';

/** Why a cell was refused: a type-error or a constraint-error, in plain words. */
export interface CellProblem {
  code: 'type-error' | 'constraint-error';
  message: string;
  details?: Record<string, unknown>;
}

/** What `Column.decode` and `readCell` give back: a value, or a problem. */
export type CellResult = { value: CellValue } | CellProblem;

/** The part every cell type provides: raw text to value, and back. */
export interface TypeCodec {
  decode(raw: string): CellResult;
  /** The canonical cell for `value`, or undefined when `value` is not of this type. */
  encode(value: CellValue): string | undefined;
}

export function isCellProblem(result: CellResult): result is CellProblem {
  return 'code' in result;
}

export function typeError(message: string, details?: Record<string, unknown>): CellProblem {
  return details === undefined ? { code: 'type-error', message } : { code: 'type-error', message, details };
}

import { appError } from '../../errors/catalogue.js';
import type { CellValue, Column, ColumnDefinition } from '../types.js';
import { type CellResult, isCellProblem, typeError } from './cell-result.js';
import { createConstraintCheck } from './constraints.js';
import { quoteValue } from './display-value.js';
import { createTypeCodec } from './type-codec.js';

export interface CellCodecOptions {
  decimalSeparator: '.' | ',';
  /** The column's missing values; `encode(null)` writes the first (or '' when there is none). */
  missingValues: readonly string[];
}

export type CellCodec = Pick<Column, 'decode' | 'encode'>;

function kindOf(value: Exclude<CellValue, null>): string {
  return value instanceof Date ? 'Date' : typeof value;
}

/**
 * A column's codec: the type's (or the custom `parse`/`format`), then its constraints.
 * A custom `parse` that throws gives a type-error with the error's message; constraints
 * still apply to what it returns. `encode` throws CSV_VALUE_INVALID for a value of the
 * wrong kind (the message names the column and the kind, never the value).
 */
export function createCellCodec(column: ColumnDefinition, options: CellCodecOptions): CellCodec {
  const builtIn = createTypeCodec(column, options);
  const { parse, format } = column;
  const constraints = createConstraintCheck(column);
  const nullCell = options.missingValues[0] ?? '';

  function parseCell(raw: string): CellResult {
    if (parse === undefined) return builtIn.decode(raw);
    try {
      return { value: parse(raw) };
    } catch (error) {
      return typeError(error instanceof Error ? error.message : `${quoteValue(raw)} is not a valid value`);
    }
  }

  return {
    decode(raw) {
      const result = parseCell(raw);
      if (isCellProblem(result)) return result;
      return constraints(result.value, raw) ?? result;
    },
    encode(value) {
      if (value === null) return nullCell;
      const cell = format === undefined ? builtIn.encode(value) : format(value);
      if (cell === undefined) {
        throw appError('CSV_VALUE_INVALID', {
          message: `column "${column.name}": cannot write a ${kindOf(value)} as ${column.type}`,
          details: { column: column.name },
        });
      }
      return cell;
    },
  };
}

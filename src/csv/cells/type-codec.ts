import type { ColumnDefinition } from '../types.js';
import { createBooleanCodec, DEFAULT_FALSE_VALUES, DEFAULT_TRUE_VALUES } from './boolean-codec.js';
import type { TypeCodec } from './cell-result.js';
import { createDateCodec } from './date-codec.js';
import { createIntegerCodec } from './integer-codec.js';
import { createNumberCodec } from './number-codec.js';
import { createStringCodec } from './string-codec.js';

export interface TypeCodecOptions {
  decimalSeparator: '.' | ',';
}

/** The built-in codec of a (checked) column's type. */
export function createTypeCodec(column: ColumnDefinition, { decimalSeparator }: TypeCodecOptions): TypeCodec {
  switch (column.type) {
    case 'string':
    case 'enum':
      return createStringCodec();
    case 'integer':
      return createIntegerCodec();
    case 'number':
      return createNumberCodec({ decimalSeparator });
    case 'boolean':
      return createBooleanCodec({ trueValues: column.trueValues ?? DEFAULT_TRUE_VALUES, falseValues: column.falseValues ?? DEFAULT_FALSE_VALUES });
    case 'date':
    case 'datetime':
      return createDateCodec({ kind: column.type, dateFormat: column.dateFormat });
  }
}

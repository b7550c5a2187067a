import { type TypeCodec, typeError } from './cell-result.js';
import { quoteValue } from './display-value.js';

export interface NumberCodecOptions {
  decimalSeparator: '.' | ',';
}

/**
 * number: an optional sign, digits with at most one decimal separator (`3504.` and `.5`
 * are fine), and an optional exponent (`1.5e3`). No grouping (`1,234.5`), no blanks, no
 * `NaN` or `Infinity`, and nothing that overflows to infinity. With the decimal comma a
 * `.` is not a decimal point. Encoding uses JavaScript's shortest exact form, so
 * decode(encode(v)) gives v back bit for bit.
 */
export function createNumberCodec({ decimalSeparator }: NumberCodecOptions): TypeCodec {
  const syntax = decimalSeparator === '.' ? /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/ : /^[+-]?(?:\d+,?\d*|,\d+)(?:[eE][+-]?\d+)?$/;
  const hint = decimalSeparator === ',' ? ' (the decimal separator is ",")' : '';
  return {
    decode(raw) {
      if (!syntax.test(raw)) return typeError(`${quoteValue(raw)} is not a number${hint}`);
      const value = Number(decimalSeparator === ',' ? raw.replace(',', '.') : raw);
      if (!Number.isFinite(value)) return typeError(`${quoteValue(raw)} is too large for a number`);
      return { value: value === 0 ? 0 : value };
    },
    encode(value) {
      if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
      const text = String(value);
      return decimalSeparator === ',' ? text.replace('.', ',') : text;
    },
  };
}

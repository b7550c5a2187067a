import { typeError, type TypeCodec } from './cell-result.js';
import { quoteValue } from './display-value.js';

/** An optional sign and decimal digits only: no `0x10`, no `1e3`, no `12.0`, no blanks. */
const INTEGER = /^[+-]?\d+$/;

/**
 * integer: a JS number while it is a safe integer (|n| ≤ 2^53−1), a bigint beyond that,
 * so no digit is ever rounded away. `-0` reads as 0.
 */
export function createIntegerCodec(): TypeCodec {
  return {
    decode(raw) {
      if (!INTEGER.test(raw)) return typeError(`${quoteValue(raw)} is not a whole number`);
      const value = Number(raw);
      if (Number.isSafeInteger(value)) return { value: value === 0 ? 0 : value };
      return { value: BigInt(raw) };
    },
    encode(value) {
      if (typeof value === 'bigint') return value.toString();
      if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value).toString();
      return undefined;
    },
  };
}
